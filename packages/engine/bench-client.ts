/**
 * Throughput micro-benchmark of the engine's HTTP client (not a test): N clients, each a closed
 * loop of keep-alive GETs, recording every request's timings the way the engine does, and
 * printing requests per second and latency percentiles.
 *
 *   node packages/engine/bench-client.ts [--url http://127.0.0.1:18089/] [--connections 50] [--seconds 5]
 *
 * Without --url it starts a node:net target in a child process that answers every request with
 * a fixed response. Pin the processes for steady numbers (`taskset -c 0` for this one).
 */
import { fork } from 'node:child_process';
import net from 'node:net';
import { parseArgs } from 'node:util';
import { createDnsCache, createHttpClient } from './src/http/index.ts';

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

async function startTarget(): Promise<{ url: string; stop: () => void }> {
  const child = fork(new URL(import.meta.url).pathname, ['--serve'], { stdio: 'inherit' });
  const port = await new Promise<number>((resolve) => child.once('message', (m) => resolve(Number(m))));
  return { url: `http://127.0.0.1:${port}/`, stop: () => child.kill() };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      connections: { type: 'string', default: '50' },
      seconds: { type: 'string', default: '5' },
      serve: { type: 'boolean', default: false },
    },
  });
  if (values.serve) return serve();
  const target = values.url === undefined ? await startTarget() : { url: values.url, stop: () => undefined };
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
    const request = client.prepare({ label: 'bench', method: 'GET', url: target.url });
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
