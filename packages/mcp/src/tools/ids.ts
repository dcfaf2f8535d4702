/** The argument schemas the tools share: ids as the server makes them, and timestamps. */
import { z } from 'zod';

const id = (what: string) =>
  z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/, `${what} is letters, digits, "-" and "_" (e.g. "a1B2c3D4e5")`);

export const testId = id('test_id').describe('The test id (testId), as list_scenarios returns it');
export const testRunId = id('test_run_id').describe('The run id (testRunId), as list_test_runs returns it');
export const isoTime = (what: string) =>
  z.iso.datetime({ offset: true }).describe(`${what}, ISO 8601 (e.g. 2026-01-31T12:00:00Z)`);
export const includeTimeline = z
  .boolean()
  .optional()
  .describe('Include the per-second timeline (large for long runs; default false)');
