/** `dlt start` arguments: flags over the environment over the defaults, and every bad one named. */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { DltError } from '@dlt/model';
import { listenError, parseServerArgs } from './server.ts';

test('defaults, environment and flags', () => {
  assert.deepEqual(parseServerArgs([], {}), { port: 8080, host: '127.0.0.1', data: resolve('.dlt/data') });
  const env = { DLT_PORT: '9000', DLT_HOST: '0.0.0.0', DLT_DATA: '/srv/dlt' };
  assert.deepEqual(parseServerArgs([], env), { port: 9000, host: '0.0.0.0', data: '/srv/dlt' });
  assert.deepEqual(parseServerArgs(['--port', '0', '--host', '::1', '--data', '/d'], env), {
    port: 0,
    host: '::1',
    data: '/d',
  });
  assert.equal(parseServerArgs(['--help'], {}), undefined);
  // The launcher file is read when the server starts (DLT_LAUNCHERS there too).
  assert.equal(parseServerArgs(['--launchers', 'launchers.yaml'], {})?.launchers, 'launchers.yaml');
});

test('bad arguments name the flag', () => {
  const cases: Record<string, [string[], Record<string, string>, string]> = {
    'a port that is not a number': [['--port', 'http'], {}, '--port'],
    'a port out of range': [[], { DLT_PORT: '70000' }, '--port'],
    'an empty host': [['--host', ''], {}, '--host'],
  };
  for (const [name, [argv, env, field]] of Object.entries(cases)) {
    assert.throws(
      () => parseServerArgs(argv, env),
      (e) => DltError.is(e) && e.problems.some((p) => p.field === field),
      name,
    );
  }
  assert.throws(
    () => parseServerArgs(['--bogus'], {}),
    (e) => DltError.is(e),
  );
});

test('a taken port is said plainly, naming the address and the flag', async () => {
  const first = createServer();
  await new Promise<void>((done) => first.listen(0, '127.0.0.1', done));
  const port = (first.address() as { port: number }).port;
  const second = createServer();
  const err = await new Promise<Error>((done) => {
    second.once('error', done);
    second.listen(port, '127.0.0.1');
  });
  first.close();
  const explained = listenError(err, '127.0.0.1', port);
  assert.ok(explained && DltError.is(explained));
  assert.equal(
    explained.message,
    `cannot listen on 127.0.0.1:${port}: the port is in use (another dlt server?); choose another with --port or DLT_PORT`,
  );
  assert.equal(listenError(new Error('other'), '127.0.0.1', port), undefined);
});
