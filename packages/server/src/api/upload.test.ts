/**
 * Script and zip uploads: a zip is checked from its central directory (traversal, absolute
 * names, entry count, unpacked size) before anything is stored; a refused upload leaves no
 * artifact; a good one is stored, downloadable, and lets a script test run.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { crc32 } from 'node:zlib';
import { seedBody, type TestServer, testServer } from '../test-kit.ts';
import { checkZip } from './zip-check.ts';

/** A zip of stored (uncompressed) entries; `claim` overrides an entry's declared unpacked size. */
function zip(entries: { name: string; data?: string; claim?: number }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const data = Buffer.from(e.data ?? 'x');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(e.claim ?? data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(e.claim ?? data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += 30 + name.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const limits = { maxEntries: 3, maxUnpackedBytes: 1000 };

test('checkZip: good archives list their names; bad ones name what is wrong', () => {
  const good = checkZip(zip([{ name: 'test.jmx' }, { name: 'data/users.csv' }]), limits);
  assert.deepEqual(good.ok && good.listing.names, ['test.jmx', 'data/users.csv']);
  const cases: Record<string, [Buffer, RegExp]> = {
    'climbing out': [zip([{ name: '../../etc/passwd' }]), /climbs out/],
    'backslash climbing': [zip([{ name: 'a\\..\\..\\x' }]), /climbs out/],
    'absolute path': [zip([{ name: '/etc/passwd' }]), /absolute/],
    'drive letter': [zip([{ name: 'C:\\x' }]), /absolute/],
    'too many entries': [zip([{ name: 'a' }, { name: 'b' }, { name: 'c' }, { name: 'd' }]), /4 entries; at most 3/],
    'a bomb by its declared size': [zip([{ name: 'a', claim: 5000 }]), /unpacks to 5000 bytes/],
    'not a zip': [Buffer.from('just text, long enough to look for an end record'), /not a zip/],
  };
  for (const [name, [buf, message]] of Object.entries(cases)) {
    const r = checkZip(buf, limits);
    assert.equal(r.ok, false, name);
    if (!r.ok) assert.match(r.problems.map((p) => p.message).join('; '), message, name);
  }
});

let t: TestServer;
before(async () => {
  t = await testServer({ limits: { uploadBytes: 64 * 1024, zipEntries: 3 } });
});
after(() => t.close());

async function put(testId: string, name: string, body: Buffer, token = t.tokens.editor) {
  const res = await fetch(`${t.server.url}/api/scenarios/${testId}/script?name=${name}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
    body,
  });
  return { status: res.status, body: await res.json() };
}

test('uploads: refused ones store nothing; a stored one downloads and lets the test run', async () => {
  const saved = await t.call('POST', '/api/scenarios', {
    token: 'editor',
    body: seedBody('http://127.0.0.1:9/', { testType: 'jmeter', fileType: 'zip', saveOnly: true }),
  });
  const testId = saved.body.testId;
  const refused: [string, Buffer, number][] = [
    ['bundle.zip', zip([{ name: 'test.jmx' }, { name: '../evil.sh' }]), 400],
    ['bundle.zip', zip([{ name: 'a.jmx' }, { name: 'b' }, { name: 'c' }, { name: 'd' }]), 400],
    ['bundle.zip', zip([{ name: 'readme.txt' }]), 400],
    ['test.py', Buffer.from('print(1)'), 400],
    ['../x.jmx', Buffer.from('<x/>'), 400],
    ['big.jmx', Buffer.alloc(100 * 1024, 1), 413],
    // Plainly not a script: said at upload, not when a run fails.
    ['test.jmx', Buffer.from('this is not xml'), 400],
    ['test.jmx', Buffer.from('\0\x01binary <jmeterTestPlan>'), 400],
  ];
  for (const [name, body, status] of refused) {
    const res = await put(testId, name, body);
    assert.equal(res.status, status, `${name}: ${JSON.stringify(res.body)}`);
  }
  const notPlan = await put(testId, 'test.jmx', Buffer.from('this is not xml'));
  assert.match(JSON.stringify(notPlan.body), /test\.jmx is not a JMeter plan: no <jmeterTestPlan> element/);
  assert.deepEqual(await t.server.context.artifacts.list(`tests/${testId}/`), []);
  assert.equal((await put(testId, 'test.jmx', Buffer.from('<x/>'), t.tokens.viewer)).status, 403);
  assert.equal((await put('unknownTest', 'test.jmx', Buffer.from('<x/>'))).status, 404);

  const bundle = zip([
    { name: 'test.jmx', data: '<jmeterTestPlan/>' },
    { name: 'users.csv', data: 'a,b' },
  ]);
  const ok = await put(testId, 'bundle.zip', bundle);
  assert.deepEqual(ok, {
    status: 200,
    body: { testId, scriptName: 'bundle.zip', fileType: 'zip', size: bundle.length },
  });
  const back = await fetch(`${t.server.url}/api/scenarios/${testId}/script`, {
    headers: { authorization: `Bearer ${t.tokens.viewer}` },
  });
  assert.deepEqual(Buffer.from(await back.arrayBuffer()), bundle);
  const run = await t.call('POST', '/api/scenarios', {
    token: 'editor',
    body: seedBody('http://127.0.0.1:9/', { testId, testType: 'jmeter', fileType: 'zip' }),
  });
  assert.equal(run.status, 200, JSON.stringify(run.body));
  const taskId = run.body.taskIds[0];
  const fetched = await fetch(`${t.server.url}/api/agent/tasks/${taskId}/bundle`, {
    headers: { authorization: `Bearer ${t.tokens.agent}` },
  });
  assert.deepEqual(Buffer.from(await fetched.arrayBuffer()), bundle);
  await t.call('POST', `/api/scenarios/${testId}`, { token: 'editor' });
  const gone = await t.call('DELETE', `/api/scenarios/${testId}`, { token: 'editor' });
  assert.equal(gone.status, 200);
  assert.deepEqual(await t.server.context.artifacts.list(`tests/${testId}/`), []);
});
