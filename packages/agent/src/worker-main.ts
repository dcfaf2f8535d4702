/** The entry of a worker thread: compiles its test, waits for the common start, runs its share. */
import { parentPort, workerData } from 'node:worker_threads';
import { DltError, ErrorCode } from '@dlt/model';
import { runShare } from './run-share.ts';
import { compileSource } from './test-source.ts';
import type { FromWorker, ToWorker, WorkerInput } from './worker-protocol.ts';

if (!parentPort) throw new Error('worker-main.ts runs only as a worker thread');
const port = parentPort;
const input = workerData as WorkerInput;
const send = (m: FromWorker) => port.postMessage(m);
const stop = new AbortController();

async function main(): Promise<void> {
  const test = await compileSource(input.source);
  const startAt = await new Promise<number>((resolve) => {
    port.on('message', (m: ToWorker) => {
      switch (m.type) {
        case 'start':
          resolve(m.atEpochMs);
          return;
        case 'stop':
          stop.abort();
          resolve(Date.now());
          return;
        default:
          return assertNever(m);
      }
    });
    send({ type: 'ready', warnings: test.warnings, thresholds: test.thresholds });
  });
  const outcome = await runShare(test, {
    index: input.index,
    count: input.count,
    startAtEpochMs: startAt,
    signal: stop.signal,
    withResults: input.withResults,
    onStart: () => send({ type: 'started', atEpochMs: Date.now() }),
    onSecond: (snapshot, result) => send({ type: 'second', snapshot, result }),
  });
  send({ type: 'done', result: outcome.result, interrupted: outcome.interrupted });
  port.close();
}

function assertNever(x: never): never {
  throw new Error(`unexpected message ${JSON.stringify(x)}`);
}

main().catch((e: unknown) => {
  const bad = DltError.is(e) && e.code === ErrorCode.BadInput;
  send({
    type: 'failed',
    message: e instanceof Error ? e.message : String(e),
    badInput: bad,
    problems: DltError.is(e) ? e.problems : [],
  });
  port.close();
});
