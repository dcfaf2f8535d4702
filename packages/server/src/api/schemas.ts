/**
 * The zod schemas of the API's parameters, queries and bodies, with the seed's names and rules
 * (test ids, names, task configs, tags, schedule fields). The test definition inside
 * `testScenario` is checked by the model's `checkDefinition`, not here.
 */
import { z } from 'zod';
import { readRunCursor } from '../store/run-cursor.ts';
import { fileTypes, roles, testTypes } from '../store/store.ts';

/** The seed's id rule for `testId` and `testRunId`. */
export const idField = () => z.string().regex(/^[A-Za-z0-9-]{1,128}$/, 'must be 1–128 letters, digits or -');

/** A positive whole number, or its digits as a string (the seed accepts both). */
const countOf = (min: number, max: number) =>
  z
    .union([z.number().int(), z.string().regex(/^\d+$/, 'must be a whole number').transform(Number)])
    .pipe(z.number().int().min(min).max(max));

// Control characters and the Unicode line/paragraph separators are refused in names (as the seed does).
const isControl = (c: number) => c <= 0x1f || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029;
const hasControl = (s: string) => [...s].some((ch) => isControl(ch.codePointAt(0) ?? 0));

const nameField = () =>
  z
    .string()
    .min(3)
    .max(255)
    .refine((s) => s.trim() === s, 'must not start or end with white space')
    .refine((s) => !hasControl(s), 'must not contain control characters');

/** Region names: lower-case letters, digits and `-` (`local`, `us-east-1`, `eu-lab`). */
export const regionField = () =>
  z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and - (like local or us-east-1)');

/** What a run does when a region has fewer free agent slots than tasks: wait for them, or fail at once. */
export const capacityField = () => z.enum(['wait', 'fail']);

export const taskConfigSchema = z.object({
  region: regionField(),
  taskCount: countOf(1, 1000),
  concurrency: countOf(1, 25000),
  /** dlt's own: this region's capacity policy (else the test's `capacity`, else `wait`). */
  capacity: capacityField().optional(),
});

/** The seed's tag normalisation: trimmed, lower case, runs of spaces as one `-`. */
export const normaliseTag = (s: string) => s.trim().toLowerCase().replace(/\s+/g, '-');

const tagField = () =>
  z
    .string()
    .transform(normaliseTag)
    .pipe(z.string().regex(/^[a-z0-9-]{1,50}$/, 'tags are 1–50 letters, digits or -'));

const dateField = () => z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD');

/** `POST /api/scenarios`: the seed's body; unknown fields are accepted (as the seed's `.passthrough()`). */
export const scenarioBodySchema = z.looseObject({
  testId: idField().optional(),
  testName: nameField(),
  testDescription: z.string().min(3).max(60000),
  testType: z.enum(testTypes),
  fileType: z.enum(fileTypes).optional(),
  testTaskConfigs: z.array(taskConfigSchema).min(1).max(100),
  /** dlt's own: too few free slots in a region → `wait` (up to the provisioning timeout) or `fail` at once. */
  capacity: capacityField().optional(),
  testScenario: z.record(z.string(), z.unknown()),
  /** Accepted for seed clients; the server knows its own capacity. */
  regionalTaskDetails: z.record(z.string(), z.unknown()).optional(),
  showLive: z.boolean().optional(),
  tags: z
    .array(tagField())
    .max(5)
    .transform((t) => [...new Set(t)])
    .optional(),
  healthyThreshold: countOf(0, 100).optional(),
  saveOnly: z.boolean().optional(),
  scheduleStep: z.enum(['create', 'start']).optional(),
  scheduleDate: dateField().optional(),
  scheduleTime: z
    .string()
    .regex(/^\d{2}:\d{2}(:\d{2})?$/, 'must be HH:MM')
    .optional(),
  recurrence: z.enum(['daily', 'weekly', 'biweekly', 'monthly']).optional(),
  cronValue: z.string().max(200).optional(),
  cronExpiryDate: dateField().optional(),
  scheduleTimezone: z.string().max(64).optional(),
  /** dlt's own: a firing missed while no server ran is skipped (default) or run once at start. */
  scheduleMissed: z.enum(['skip', 'run-once']).optional(),
  eventBridge: z.string().optional(),
});
export type ScenarioBody = z.output<typeof scenarioBodySchema>;

export const testIdParams = z.strictObject({ testId: idField() });
export const testRunParams = z.strictObject({ testId: idField(), testRunId: idField() });

const flag = () => z.enum(['true', 'false']).transform((v) => v === 'true');
const isoTime = () =>
  z
    .string()
    .refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 time')
    .transform((s) => new Date(s).toISOString());

export const listScenariosQuery = z.strictObject({
  tags: z.string().max(500).optional(),
  op: z.literal('listRegions').optional(),
});

export const getScenarioQuery = z.strictObject({ history: flag().optional(), latest: flag().optional() });

export const testRunsQuery = z.strictObject({
  limit: countOf(1, 100).optional(),
  start_timestamp: isoTime().optional(),
  end_timestamp: isoTime().optional(),
  latest: flag().optional(),
  next_token: z
    .string()
    .max(1000)
    .refine((t) => readRunCursor(t) !== undefined, 'is not a next_token of this test (pass the one a page gave)')
    .optional(),
});

export const deleteRunsBody = z.array(idField()).min(1).max(1000);
export const baselineQuery = z.strictObject({ data: flag().optional() });
export const baselineBody = z.strictObject({ testRunId: idField() });
export const compareQuery = z.strictObject({ with: idField().optional() });
export const uploadQuery = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'must be a plain file name')
    .refine((n) => /\.(jmx|js|ts|py|zip)$/.test(n), 'must end in .jmx, .js, .ts, .py or .zip'),
});

export const loginBody = z.strictObject({
  username: z.string().min(1).max(100),
  password: z.string().min(1).max(1000),
});
export const tokenBody = z.strictObject({ name: z.string().min(1).max(100), role: z.enum(roles) });
export const tokenParams = z.strictObject({ tokenId: idField() });
export const userBody = z.strictObject({
  username: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'must be lower-case letters, digits, ., _ or -'),
  password: z.string().min(12, 'must be at least 12 characters').max(1000),
  role: z.enum(['admin', 'editor', 'viewer']),
});
export const runParams = z.strictObject({ runId: idField() });
export const taskParams = z.strictObject({ taskId: z.string().regex(/^[A-Za-z0-9._-]{1,200}$/) });

/** `PUT /api/agent/tasks/{taskId}/result`: the protocol's TaskUpload; the result is checked when merged. */
export const uploadBody = z.strictObject({
  runId: idField(),
  taskId: z.string().min(1).max(200),
  interrupted: z.boolean(),
  result: z.looseObject({ format: z.literal('dlt.task-result/1') }),
  startedAtServerMs: z.number(),
  clockOffsetMs: z.number(),
  rttMs: z.number(),
  thresholds: z.array(thresholdSpec()).max(500).optional(),
});

/** A threshold as an agent compiled it from a script (k6 `options.thresholds`). */
function thresholdSpec() {
  const text = z.string().max(1000);
  return z.strictObject({
    key: text,
    metric: text,
    tags: z.record(text, text),
    expression: text,
    aggregation: z.union([
      z.strictObject({ kind: z.enum(['avg', 'min', 'max', 'med', 'count', 'rate', 'value']) }),
      z.strictObject({ kind: z.literal('percentile'), p: z.number().min(0).max(100) }),
    ]),
    operator: z.enum(['<', '<=', '>', '>=', '==', '===', '!=']),
    value: z.number(),
    abortOnFail: z.boolean(),
    delayAbortEvalMs: z.number().min(0),
  });
}
