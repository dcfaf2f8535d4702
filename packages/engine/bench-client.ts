/**
 * Throughput micro-benchmark of the engine's HTTP client (not a test): N clients, each a closed
 * loop of keep-alive GETs, recording every request's timings the way the engine does, and
 * printing requests per second and latency percentiles.
 *
 *   node packages/engine/bench-client.ts [--url http://127.0.0.1:18089/] [--connections 50] [--seconds 5] [--http2]
 *
 * Without --url it starts a target in a child process that answers every request with a fixed
 * response: a node:net one, or with --http2 a node:http2 (h2c) one. With --http2 the clients
 * send HTTP/2, each client one session with one stream at a time. Pin the processes for
 * steady numbers (`taskset -c 0` for this one).
 */
import { fork } from 'node:child_process';
import http2 from 'node:http2';
import net from 'node:net';
import { parseArgs } from 'node:util';
import { createDnsCache, createHttpClient } from './src/http/index.ts';

const usage = `usage: node packages/engine/bench-client.ts [--url URL] [--connections 50] [--seconds 5] [--http2]
  --url URL        the target (default: a node:net target, or a node:http2 one with --http2, in a child process)
  --connections N  clients, each a closed loop of keep-alive GETs
  --seconds S      how long to run
  --http2          send HTTP/2 (h2c for http://, h2 by ALPN for https://)`;

const fixedResponse = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Type: text/plain\r\n\r\nok\n');

/** The child: answers each request head (ending in a blank line) with the fixed response. */
function serve(): void {
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    let tail = 0; // how much of "\r\n\r\n" the previous chunk ended with
    socket.on('data', (chunk: Buffer) => {
      let answers = 0;
      for (let i = 0; i < chunk.length; i++) {
        const c = chunk[i];
        tail = c === (tail % 2 === 0 ? 13 : 10) ? tail + 1 : c === 13 ? 1 : 0;
        if (tail === 4) {
          answers++;
          tail = 0;
        }
      }
      for (let i = 0; i < answers; i++) socket.write(fixedResponse);
    });
    socket.on('error', () => undefined);
  });
  server.listen(0, '127.0.0.1', () => process.send?.((server.address() as net.AddressInfo).port));
}

/** The HTTP/2 child: answers every stream with the same small response. */
function serveH2(): void {
  const server = http2.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n'));
  server.listen(0, '127.0.0.1', () => process.send?.((server.address() as net.AddressInfo).port));
}

async function startTarget(h2: boolean): Promise<{ url: string; stop: () => void }> {
  const child = fork(new URL(import.meta.url).pathname, [h2 ? '--serve-h2' : '--serve'], { stdio: 'inherit' });
  const port = await new Promise<number>((resolve) => child.once('message', (m) => resolve(Number(m))));
  return { url: `http://127.0.0.1:${port}/`, stop: () => child.kill() };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      connections: { type: 'string', default: '50' },
      seconds: { type: 'string', default: '5' },
      http2: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
      serve: { type: 'boolean', default: false },
      'serve-h2': { type: 'boolean', default: false },
    },
  });
  if (values.help) return console.log(usage);
  if (values.serve) return serve();
  if (values['serve-h2']) return serveH2();
  const h2 = values.http2;
  const target = values.url === undefined ? await startTarget(h2) : { url: values.url, stop: () => undefined };
  const connections = Number(values.connections);
  const ms = Number(values.seconds) * 1000;
  const dns = createDnsCache();
  const latencies = new Float64Array(4_000_000);
  let count = 0;
  let errors = 0;
  const deadline = performance.now() + ms;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const loop = async () => {
    const client = createHttpClient({ dns });
    const request = client.prepare({ label: 'bench', method: 'GET', url: target.url, http2: h2 });
    while (performance.now() < deadline) {
      const res = await client.send(request);
      const t = res.timings;
      if (res.status !== 200) errors++;
      if (count < latencies.length)
        latencies[count] = t.blocked + t.dns + t.connect + t.tls + t.send + t.wait + t.receive;
      count++;
    }
    client.close();
  };
  await Promise.all(Array.from({ length: connections }, loop));
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  target.stop();
  const sorted = latencies.subarray(0, Math.min(count, latencies.length)).sort();
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))].toFixed(3);
  const rps = Math.round(count / elapsed);
  console.log(`${count} requests in ${elapsed.toFixed(2)} s: ${rps} req/s, ${errors} errors`);
  console.log(`latency ms: p50 ${pct(0.5)}  p90 ${pct(0.9)}  p99 ${pct(0.99)}  max ${pct(1)}`);
  const perRequest = (micros: number) => Number((micros / count).toFixed(2));
  const cpuUs = { user: perRequest(cpu.user), system: perRequest(cpu.system) };
  console.log(`cpu per request: ${cpuUs.user} µs user + ${cpuUs.system} µs system`);
  console.log(JSON.stringify({ rps, requests: count, errors, connections, seconds: elapsed, cpuUs }));
}

await main();
