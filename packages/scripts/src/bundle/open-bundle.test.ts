import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DltError } from '@dlt/model';
import { openBundle } from './open-bundle.ts';
import { resolveInBundle } from './resolve-in-bundle.ts';
import { makeZip, type TestZipEntry } from './test-zip.ts';

const open = (entries: readonly TestZipEntry[], limits = {}) =>
  openBundle({ bytes: makeZip(entries), source: 'bundle.zip' }, limits);

const text = (b: Uint8Array | undefined) => Buffer.from(b ?? []).toString();

test('a bundle opens into its files by normalised path, folders left out, stored or deflated', async () => {
  const b = await open([
    { name: 'plan.jmx', data: '<jmeterTestPlan/>' },
    { name: 'data/', mode: 0o40755 },
    { name: 'data/users.csv', data: 'alice,1\nbob,2\n'.repeat(50), deflate: true },
    { name: './notes\\readme.txt', data: 'hi' },
  ]);
  assert.deepEqual([...b.files.keys()], ['plan.jmx', 'data/users.csv', 'notes/readme.txt']);
  assert.equal(text(b.files.get('data/users.csv')).split('\n')[1], 'bob,2');
  assert.equal(b.source, 'bundle.zip');
});

test('a bundle opens from a path on disk', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'dlt-bundle-'));
  t.after(() => rm(dir, { recursive: true }));
  const path = join(dir, 'b.zip');
  await writeFile(path, makeZip([{ name: 'a.txt', data: 'A' }]));
  const b = await openBundle(path);
  assert.equal(text(b.files.get('a.txt')), 'A');
});

const refused: { name: string; entries: TestZipEntry[]; limits?: object; says: RegExp }[] = [
  { name: 'a name climbing out with ..', entries: [{ name: '../../etc/passwd', data: 'x' }], says: /climbs out/ },
  { name: 'a nested .. climbing out', entries: [{ name: 'a/../../x', data: 'x' }], says: /climbs out/ },
  { name: 'an absolute name', entries: [{ name: '/etc/passwd', data: 'x' }], says: /absolute path/ },
  { name: 'a drive letter', entries: [{ name: 'C:/x.csv', data: 'x' }], says: /absolute path/ },
  { name: 'a symbolic link', entries: [{ name: 'link', data: '/etc/passwd', mode: 0o120777 }], says: /symbolic link/ },
  {
    name: 'the same file twice',
    entries: [
      { name: 'a', data: '1' },
      { name: './a', data: '2' },
    ],
    says: /twice/,
  },
  {
    name: 'too many files',
    entries: Array.from({ length: 4 }, (_, i) => ({ name: `f${i}`, data: 'x' })),
    limits: { maxFiles: 3 },
    says: /4 files; at most 3/,
  },
  {
    name: 'too many bytes unpacked, as declared',
    entries: [{ name: 'big', data: 'x'.repeat(2000), deflate: true }],
    limits: { maxUnpackedBytes: 1000 },
    says: /unpacked, the files take 2000 bytes; at most 1000/,
  },
  {
    name: 'an entry unpacking to more than it declares',
    entries: [{ name: 'bomb', data: 'x'.repeat(100_000), deflate: true, declaredSize: 10 }],
    says: /cannot unpack bomb/,
  },
  {
    name: 'an archive too large',
    entries: [{ name: 'a', data: 'x'.repeat(500) }],
    limits: { maxArchiveBytes: 100 },
    says: /the zip take/,
  },
];

for (const c of refused) {
  test(`a bundle is refused: ${c.name}`, async () => {
    await assert.rejects(open(c.entries, c.limits), (e: unknown) => {
      assert.ok(DltError.is(e), String(e));
      assert.equal(e.code, 'DLT_ERR_BAD_INPUT');
      assert.match(e.message, c.says);
      assert.match(e.message, /bundle\.zip/);
      return true;
    });
  });
}

test('bytes that are not a zip are refused', async () => {
  await assert.rejects(openBundle({ bytes: Buffer.from('hello'), source: 'x.zip' }), /not a readable zip/);
});

test('resolveInBundle resolves from the naming file and refuses what leaves the bundle', () => {
  const cases: [string, string, string | undefined][] = [
    ['plan.jmx', 'users.csv', 'users.csv'],
    ['tests/plan.jmx', '../data/a.csv', 'data/a.csv'],
    ['tests/plan.jmx', './b/./c.csv', 'tests/b/c.csv'],
    ['tests/plan.jmx', 'b\\c.csv', 'tests/b/c.csv'],
    ['plan.jmx', '../x.csv', undefined],
    ['plan.jmx', '/etc/passwd', undefined],
    ['plan.jmx', 'C:\\data\\x.csv', undefined],
  ];
  for (const [from, rel, want] of cases) assert.equal(resolveInBundle(from, rel), want, `${from} + ${rel}`);
});
