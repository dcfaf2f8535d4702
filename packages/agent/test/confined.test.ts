/**
 * A script an agent gets from the server is compiled `confined`: it cannot read the agent's
 * files, neither through k6's `open()` nor through a plan's CSV data set. Run locally (not
 * confined), the same files are read as k6 and JMeter would.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { compileSource } from '../src/test-source.ts';
import { jmxFixtures } from './jmx-kit.ts';
import { k6Fixtures } from './k6-kit.ts';

const load = { env: { BASE: 'http://127.0.0.1:1' }, properties: { host: '127.0.0.1', port: '1' } };
const compile = (path: string, confined: boolean) => compileSource({ kind: 'file', path, load: { ...load, confined } });

test('k6 open() outside the script folder is refused when confined', async () => {
  const path = join(k6Fixtures, 'open-outside-folder.js');
  await assert.rejects(
    compile(path, true),
    /open\("\/etc\/hostname"\): \/etc\/hostname is outside the script's folder/,
  );
  await compile(path, false);
});

test('a plan’s CSV outside its folder is refused when confined', async () => {
  const path = join(jmxFixtures, 'csv-outside-folder.jmx');
  await assert.rejects(compile(path, true), /CSVDataSet "users": .*\/etc\/hostname is outside the plan's folder/);
  await compile(path, false);
});
