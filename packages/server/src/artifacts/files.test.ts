/** The files implementation passes the artifacts contract and leaves no temporary files behind. */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { artifactsContract } from './artifacts.contract.ts';
import { FileArtifacts } from './file-artifacts.ts';

artifactsContract('files', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dlt-artifacts-'));
  return { artifacts: new FileArtifacts(dir), dispose: () => rm(dir, { recursive: true, force: true }) };
});

test('files artifacts: writes go through a temporary file that is gone afterwards', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'dlt-artifacts-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const a = new FileArtifacts(dir);
  await Promise.all([a.put('x/y.json', new Uint8Array([1])), a.put('x/z.json', new Uint8Array([2]))]);
  assert.deepEqual(await readdir(join(dir, 'tmp')), []);
  assert.deepEqual((await readdir(join(dir, 'objects', 'x'))).sort(), ['y.json', 'z.json']);
});
