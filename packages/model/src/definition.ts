/**
 * The "simple" test definition (Taurus-style, seed-compatible `testScenario`): `execution` load
 * profiles, `scenarios` of HTTP requests and k6 `thresholds`, as zod schemas. Parsing turns
 * durations into milliseconds and counts into numbers; the rules that span fields (executor
 * options, scenario references) live in `definition-rules.ts`.
 */
import { z } from 'zod';
import {
  amountField,
  countField,
  durationField,
  flagField,
  headersField,
  httpUrlField,
  methodField,
  thresholdsField,
} from './definition-fields.ts';
import { executionRules, scenarioRules, testRules } from './definition-rules.ts';
import { executorNames } from './executor.ts';

/** One ramp stage as written: `{ duration: 30s, target: 50 }`. */
export const stageSchema = z.strictObject({
  duration: durationField(),
  target: amountField(),
});

/**
 * One load profile. Either the Taurus form (`concurrency`, `ramp-up`, `hold-for`, `iterations`,
 * `throughput`) or a k6 `executor` with its own options; which options go with which executor
 * is checked by `executionRules`. Defaults are applied when it is normalised, as k6 does.
 */
export const executionSchema = z
  .strictObject({
    name: z.string().min(1).optional(),
    scenario: z.string().min(1).optional(),
    executor: z.enum(executorNames).optional(),
    'start-time': durationField().optional(),
    'graceful-stop': durationField().optional(),
    /** The seed's per-region task count; tasks come from the run's task configs instead. */
    taskCount: countField(1).optional(),
    // Taurus
    concurrency: countField(1).optional(),
    'ramp-up': durationField().optional(),
    'hold-for': durationField().optional(),
    iterations: countField(1).optional(),
    throughput: amountField({ positive: true }).optional(),
    // k6
    vus: countField(1).optional(),
    duration: durationField({ positive: true }).optional(),
    'max-duration': durationField({ positive: true }).optional(),
    stages: z.array(stageSchema).min(1).optional(),
    'start-vus': countField(0).optional(),
    'graceful-ramp-down': durationField().optional(),
    rate: amountField({ positive: true }).optional(),
    'time-unit': durationField({ positive: true }).optional(),
    'start-rate': amountField().optional(),
    'pre-allocated-vus': countField(0).optional(),
    'max-vus': countField(0).optional(),
  })
  .superRefine(executionRules, { when: () => true });

/** A request in its long form (see `requestSchema`). */
export const requestObjectSchema = z.strictObject({
  url: z.string().min(1),
  method: methodField().default('GET'),
  label: z.string().min(1).optional(),
  headers: headersField().optional(),
  body: z.union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())]).optional(),
  'think-time': durationField().optional(),
  timeout: durationField({ positive: true }).optional(),
  'follow-redirects': flagField().optional(),
  http2: flagField().optional(),
});

/** A request: an object, or just its URL (`- http://host/path`, a GET). */
export const requestSchema = z
  .union([z.string().min(1), requestObjectSchema])
  .transform((r): z.output<typeof requestObjectSchema> => (typeof r === 'string' ? { url: r, method: 'GET' } : r));

/** A named list of requests that one VU sends in order each iteration, with shared settings. */
export const scenarioSchema = z
  .strictObject({
    requests: z.array(requestSchema).min(1).optional(),
    /** A script file run by another front-end (JMX, k6, Locust); not part of the simple format. */
    script: z.string().min(1).optional(),
    'default-address': httpUrlField().optional(),
    headers: headersField().optional(),
    'think-time': durationField().optional(),
    timeout: durationField({ positive: true }).optional(),
    keepalive: flagField().default(true),
    'follow-redirects': flagField().default(true),
    /** Verify TLS certificates (k6's `insecureSkipTLSVerify` inverted); `false` accepts any certificate. */
    'tls-verify': flagField().default(true),
    /** Speak HTTP/2 (h2 by ALPN for https:, h2c by prior knowledge for http:); off when absent. */
    http2: flagField().optional(),
  })
  .superRefine(scenarioRules, { when: () => true });

/** The whole file (or the seed API's `testScenario`). */
export const testDefinitionSchema = z
  .strictObject({
    // Taurus also takes one execution written as a map rather than a list of one.
    execution: z.preprocess(
      (v) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? [v] : v),
      z.array(executionSchema).min(1),
    ),
    scenarios: z.record(z.string(), scenarioSchema),
    thresholds: thresholdsField().optional(),
    /** Taurus/seed reporting modules; dlt always reports everything, so this is accepted and ignored. */
    reporting: z.unknown().optional(),
  })
  .superRefine(testRules, { when: () => true });

/** The definition as written (durations as strings, counts maybe as strings). */
export type TestDefinitionInput = z.input<typeof testDefinitionSchema>;
/** The definition after parsing: durations in ms, numbers as numbers, thresholds parsed. */
export type TestDefinition = z.output<typeof testDefinitionSchema>;
export type ExecutionDefinition = z.output<typeof executionSchema>;
export type ScenarioDefinition = z.output<typeof scenarioSchema>;
export type RequestDefinition = z.output<typeof requestSchema>;
export type StageDefinition = z.output<typeof stageSchema>;
