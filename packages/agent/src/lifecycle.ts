/**
 * Runs a test's setup and teardown (k6) outside its executors: on a VU of their own, whose
 * requests go to the same recorder as every other request, and which a stop interrupts.
 */

import type { SampleSink } from '@dlt/engine';
import { createHttpClient, Vu } from '@dlt/engine';
import type { TestLifecycle, VuContext } from '@dlt/model';

/** Runs `fn` on a fresh VU named `scenario`, closing the VU after. */
export async function onLifecycleVu<T>(
  scenario: 'setup' | 'teardown',
  sink: SampleSink,
  signal: AbortSignal | undefined,
  fn: (ctx: VuContext) => Promise<T>,
): Promise<T> {
  const vu = new Vu({ id: 0, scenario, program: { iteration: async () => {} }, client: createHttpClient(), sink });
  const stop = () => vu.interrupt();
  signal?.addEventListener('abort', stop, { once: true });
  try {
    return await fn(vu.context);
  } finally {
    signal?.removeEventListener('abort', stop);
    vu.close();
  }
}

/** Runs setup (unless `given` carries another copy's result) and hands its result to the programs. */
export async function runSetup(
  life: TestLifecycle,
  sink: SampleSink,
  signal: AbortSignal | undefined,
  given?: { readonly json: string | undefined },
): Promise<string | undefined> {
  const json = given ? given.json : await onLifecycleVu('setup', sink, signal, (ctx) => life.setup(ctx));
  life.useData(json);
  return json;
}
