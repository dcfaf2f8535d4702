import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDnsCache } from './dns-cache.ts';

test('a miss is timed, a hit is free', async () => {
  const dns = createDnsCache();
  const miss = await dns.lookup('localhost');
  assert.ok(miss.ms > 0);
  assert.ok(miss.family === 4 || miss.family === 6);
  const hit = await dns.lookup('localhost');
  assert.deepEqual(hit, { ...miss, ms: 0 });
});

test('concurrent misses share one lookup', async () => {
  const dns = createDnsCache();
  const [a, b] = await Promise.all([dns.lookup('localhost'), dns.lookup('localhost')]);
  assert.equal(a.address, b.address);
  assert.ok(a.ms > 0 && b.ms > 0, 'both waited for it');
});

test('failures reject with the resolver code', async () => {
  const dns = createDnsCache();
  await assert.rejects(dns.lookup('no-such-host.invalid'), (err: NodeJS.ErrnoException) => err.code === 'ENOTFOUND');
});

test('caches are separate', async () => {
  const a = createDnsCache();
  const b = createDnsCache();
  await a.lookup('localhost');
  assert.ok((await b.lookup('localhost')).ms > 0);
});
