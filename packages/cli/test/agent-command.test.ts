/**
 * `dlt agent` as a real process: bad arguments, a refusal (exit 1 with the reason), and a clean
 * stop on SIGTERM while it waits for a server that is not there yet.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runDlt } from './helpers.ts';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'bin.ts');

const badArgs: [name: string, args: string[], message: RegExp][] = [
  ['nothing', [], /--server: is required \(or set DLT_SERVER\)[\s\S]*--region: is required/],
  ['a server that is not a URL', ['-s', 'example.com', '-t', 'x', '-r', 'eu'], /"example.com" is not an http\(s\) URL/],
  [
    'a bad region and slots',
    ['-s', 'http://h', '-t', 'x', '-r', 'EU West', '--slots', '0'],
    /not a region name[\s\S]*"0" is not a positive/,
  ],
  ['an unknown flag', ['--colour'], /Unknown option '--colour'/],
];
for (const [name, args, message] of badArgs) {
  test(`dlt agent refuses ${name} with exit 2`, async () => {
    const r = await runDlt(['agent', ...args]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, message);
  });
}

test('dlt agent --help prints its usage', async () => {
  const r = await runDlt(['agent', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Usage: dlt agent --server URL --token TOKEN --region NAME/);
});

test('a refused token ends the agent with exit 1 and the reason', async (t) => {
  const server = createServer((_req, res) => res.writeHead(404).end());
  server.on('upgrade', (_req, socket) => socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const r = await runDlt(['agent', '--server', url, '--token', 'bad', '--region', 'local']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /refused by the server: the server refused the agent token \(HTTP 401\)/);
});

test('SIGTERM stops an agent cleanly (exit 0) even while it is still looking for its server', async () => {
  // A port with nothing listening: the agent keeps retrying until stopped.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  const child = spawn(process.execPath, [bin, 'agent', '-s', `http://127.0.0.1:${port}`, '-t', 'x', '-r', 'local'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 20_000,
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  for (let i = 0; i < 100 && !stderr.includes('cannot reach the server'); i++)
    await new Promise((r) => setTimeout(r, 50));
  assert.match(stderr, /cannot reach the server; reconnecting/);
  child.kill('SIGTERM');
  assert.equal(await closed, 0, stderr);
  assert.match(stderr, /SIGTERM: stopping/);
});

test('an agent whose log reader is gone keeps running (a broken stderr pipe is not fatal)', async () => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  const child = spawn(process.execPath, [bin, 'agent', '-s', `http://127.0.0.1:${port}`, '-t', 'x', '-r', 'local'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 20_000,
  });
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  await new Promise<void>((resolve) => child.stderr.once('data', () => resolve()));
  // As when the server that launched it is killed: nobody reads its stderr any more.
  child.stderr.destroy();
  // Reconnect attempts keep logging into the broken pipe meanwhile.
  await new Promise((r) => setTimeout(r, 1_500));
  assert.equal(child.exitCode, null, 'still running');
  child.kill('SIGTERM');
  assert.equal(await closed, 0);
});
