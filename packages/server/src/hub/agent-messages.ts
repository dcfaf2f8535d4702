/**
 * What the hub accepts from an agent: every message is read as JSON and checked against the
 * protocol's shape before anyone acts on it, so garbage, a message of an unknown type or a
 * snapshot with a field of the wrong kind is refused with a reason naming what is wrong, and
 * never reaches the orchestrator or the live merge.
 */
import { type AgentMessage, formatProblem, issueProblems, protocolVersion, toProblem } from '@dlt/model';
import { z } from 'zod';

const id = z.string().min(1).max(200);
const count = z.number().int().nonnegative();
const ms = z.number().finite();
const tally = z.record(z.string().max(64), count);

const times = z.looseObject({
  min: ms,
  mean: ms,
  p50: ms,
  p90: ms,
  p95: ms,
  p99: ms,
  max: ms,
});

const stats = z.looseObject({
  requests: count,
  failures: count,
  bytesSent: count,
  bytesReceived: count,
  statusCodes: tally,
  errors: tally,
  responseTime: times,
  histogram: z.string().max(4 * 1024 * 1024),
});

const snapshot = z.looseObject({
  at: ms,
  durationMs: ms.nonnegative(),
  totals: stats,
  // Label names can be long URLs; the message size limit bounds them. Each label is checked
  // after the rest (see `labelProblem`), so a flood of bad labels costs one label's check.
  labels: z.record(z.string(), z.unknown()),
  iterations: count,
  interruptedIterations: count,
  droppedIterations: count,
  vus: count,
  vusMax: count,
});

const messageSchema = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('hello'),
    protocol: z.number(),
    agentId: id,
    name: z.string().min(1).max(255),
    region: z.string(),
    version: z.string().max(100),
    cores: z.number().int().min(1).max(100_000),
    slots: z.number().int().min(1).max(10_000),
    running: z.array(id).max(10_000),
  }),
  z.looseObject({ type: z.literal('pong'), id: count, agentTime: ms }),
  z.looseObject({ type: z.literal('ready'), taskId: id }),
  z.looseObject({ type: z.literal('started'), taskId: id, startedAtAgentMs: ms }),
  z.looseObject({ type: z.literal('snapshot'), taskId: id, snapshot }),
  z.looseObject({ type: z.literal('done'), taskId: id, interrupted: z.boolean() }),
  z.looseObject({
    type: z.literal('failed'),
    taskId: id,
    reason: z.string().max(100_000),
    problems: z.array(z.looseObject({ message: z.string() })).optional(),
  }),
]);

export type ReadMessage =
  | { readonly ok: true; readonly message: AgentMessage }
  | { readonly ok: false; readonly reason: string };

/** Most entries of one object or array in a message (a snapshot has at most ~1,000 labels). */
export const maxEntries = 10_000;
/** Most values (objects, arrays, scalars) in one message. */
export const maxValues = 200_000;

/**
 * Why a message is too large to check, if it is: the checker's work (and the list of what is
 * wrong) grows with the values in a message, and 16 MiB of small ones took the server's only
 * thread for seconds, long enough to drop every other agent for missed heartbeats.
 */
function sizeProblem(raw: unknown): string | undefined {
  let values = 0;
  const stack: unknown[] = [raw];
  while (stack.length > 0) {
    const v = stack.pop();
    if (++values > maxValues) return `more than ${maxValues} values`;
    if (v === null || typeof v !== 'object') continue;
    const entries = Array.isArray(v) ? v : Object.values(v);
    if (entries.length > maxEntries) return `an object or array of more than ${maxEntries} entries`;
    for (const e of entries) stack.push(e);
  }
  return undefined;
}

/** The first label of a snapshot that breaks the protocol, as problems. */
function labelProblems(labels: Readonly<Record<string, unknown>>): string[] {
  for (const [name, value] of Object.entries(labels)) {
    const r = stats.safeParse(value);
    if (r.success) continue;
    return r.error.issues
      .flatMap(issueProblems)
      .map((p) => formatProblem(toProblem({ ...p, path: ['snapshot', 'labels', name, ...p.path] })));
  }
  return [];
}

/** Parses and checks one message from an agent; the reason names the first fields that are wrong. */
export function readAgentMessage(data: string): ReadMessage {
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const large = sizeProblem(raw);
  if (large) return { ok: false, reason: `a message with ${large}` };
  const r = messageSchema.safeParse(raw);
  if (r.success && r.data.type === 'snapshot') {
    const bad = labelProblems(r.data.snapshot.labels);
    if (bad.length > 0)
      return { ok: false, reason: `a snapshot message that breaks the protocol: ${bad.slice(0, 3).join('; ')}` };
  }
  if (r.success) return { ok: true, message: r.data as unknown as AgentMessage };
  // Another protocol version may say hello differently: let the hub refuse it for its version.
  const hello = raw as { type?: unknown; protocol?: unknown } | null;
  if (hello?.type === 'hello' && typeof hello.protocol === 'number' && hello.protocol !== protocolVersion) {
    return { ok: true, message: raw as AgentMessage };
  }
  const type = (raw as { type?: unknown } | null)?.type;
  const what = typeof type === 'string' ? `a ${type.slice(0, 40)} message` : 'a message';
  const problems = r.error.issues.flatMap(issueProblems).map((p) => formatProblem(toProblem(p)));
  return { ok: false, reason: `${what} that breaks the protocol: ${problems.slice(0, 3).join('; ')}` };
}
