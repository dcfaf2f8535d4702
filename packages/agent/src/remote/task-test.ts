/**
 * Turns a task spec into the test this task runs, following the seed's load model for the
 * Taurus form and k6's for executors:
 *
 * - A Taurus-style execution item (no `executor`) describes one task's users, as in the seed:
 *   every task runs it whole with the task's `concurrency` (when the run gives one), so a region
 *   with `taskCount` tasks puts `taskCount × concurrency` users on the target.
 * - A k6 executor item describes the whole test: it is split across the run's tasks with the
 *   task's `share` (VUs and iterations divided, arrival schedules striped), so all tasks
 *   together do what one would.
 */
import { badInput, type CompiledTest, type ExecutorSpec, type TaskSpec } from '@dlt/model';
import { compileDefinition, type Limits } from '@dlt/scripts';
import { splitExecutor } from '../split.ts';

/** Test types this agent can run today. */
export const supportedTestTypes = ['simple'] as const;

/** Compiles the task's test and keeps this task's share; throws a bad-input error on any problem. */
export function compileTask(spec: TaskSpec, limits?: Partial<Limits>): CompiledTest {
  if (!(supportedTestTypes as readonly string[]).includes(spec.testType)) {
    throw badInput(
      [{ field: 'testType', message: `test type ${spec.testType} is not supported yet by this agent` }],
      `task ${spec.taskId}`,
    );
  }
  if (spec.definition === undefined) {
    throw badInput([{ field: 'definition', message: 'a simple test needs its definition' }], `task ${spec.taskId}`);
  }
  const raw = withConcurrency(spec.definition, spec.concurrency);
  const test = compileDefinition(raw, { source: `test ${spec.testId}`, env: {}, limits });
  const taurus = taurusItems(raw);
  const executors = test.executors.flatMap((e, i): ExecutorSpec[] => {
    if (taurus[i]) return [e];
    const part = splitExecutor(e, spec.share.index, spec.share.count);
    return part === null ? [] : [part];
  });
  return { ...test, executors };
}

/** The definition with every Taurus-style item's `concurrency` set to the task's. */
export function withConcurrency(raw: unknown, concurrency: number | undefined): unknown {
  if (concurrency === undefined || !isRecord(raw) || !Array.isArray(raw.execution)) return raw;
  const execution = raw.execution.map((item: unknown) =>
    isRecord(item) && item.executor === undefined ? { ...item, concurrency } : item,
  );
  return { ...raw, execution };
}

/** For each execution item, whether it is in the Taurus form (no `executor`). */
function taurusItems(raw: unknown): boolean[] {
  if (!isRecord(raw) || !Array.isArray(raw.execution)) return [];
  return raw.execution.map((item: unknown) => isRecord(item) && item.executor === undefined);
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
