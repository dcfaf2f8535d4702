/**
 * Quick mode: `dlt run --url URL -c 50 -d 10s` becomes an ordinary test definition, so it is
 * validated and run by exactly the same code as a file.
 */
import type { RunArgs } from './run-args.ts';

/** Default load of quick mode when flags leave it open (as wrk and autocannon: 10 connections, 10 s). */
export const quickDefaults = { vus: 10, duration: '10s' } as const;

/** Builds the raw definition (the format of test files) for quick mode. */
export function quickDefinition(args: RunArgs): Record<string, unknown> {
  const request: Record<string, unknown> = { url: args.url, method: args.method, label: labelOf(args) };
  if (Object.keys(args.headers).length > 0) request.headers = args.headers;
  if (args.body !== undefined) request.body = args.body;
  const scenario: Record<string, unknown> = { requests: [request] };
  if (args.timeout !== undefined) scenario.timeout = args.timeout;
  if (args.insecure) scenario['tls-verify'] = false;
  const duration = args.duration ?? quickDefaults.duration;
  const vus = args.vus ?? quickDefaults.vus;
  let execution: Record<string, unknown>;
  if (args.rate !== undefined) {
    execution = {
      executor: 'constant-arrival-rate',
      rate: args.rate,
      duration,
      'pre-allocated-vus': vus,
      'max-vus': vus,
      scenario: 'quick',
    };
  } else if (args.iterations !== undefined) {
    execution = { executor: 'shared-iterations', vus, iterations: args.iterations, scenario: 'quick' };
  } else {
    execution = { executor: 'constant-vus', vus, duration, scenario: 'quick' };
  }
  return { execution: [execution], scenarios: { quick: scenario } };
}

function labelOf(args: RunArgs): string {
  try {
    const u = new URL(args.url ?? '');
    return `${args.method} ${u.pathname}`;
  } catch {
    return args.url ?? 'request';
  }
}
