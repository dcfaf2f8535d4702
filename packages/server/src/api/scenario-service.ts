/**
 * `POST /api/scenarios`, as the seed does it: validate the whole body (the definition with the
 * model's `checkDefinition`, regions against the agents this server has), save the test, and run
 * it unless `saveOnly` or a schedule says otherwise. Posting again with a `testId` updates and
 * reruns it; a test with a run that has not ended is refused with 409.
 */
import { checkDefinition, fieldPath, interpolate, type Problem, toProblem } from '@dlt/model';
import type { Principal } from '../auth/auth.ts';
import { newId } from '../ids.ts';
import { asksForSchedule, parseSchedule, type ScheduleSpec } from '../scheduler/schedule-spec.ts';
import type { ScheduleFields, TestRecord } from '../store/store.ts';
import { type ApiContext, knownRegions } from './context.ts';
import { badRequest, HttpError } from './errors.ts';
import type { ScenarioBody } from './schemas.ts';

const scheduleKeys = [
  'scheduleStep',
  'scheduleDate',
  'scheduleTime',
  'recurrence',
  'cronValue',
  'cronExpiryDate',
  'scheduleTimezone',
  'scheduleMissed',
] as const;

function scheduleOf(body: ScenarioBody): ScheduleFields | undefined {
  const entries = scheduleKeys.filter((k) => body[k] !== undefined).map((k) => [k, body[k]]);
  return entries.length > 0 ? (Object.fromEntries(entries) as ScheduleFields) : undefined;
}

/** Stored with `execution` as a list, as seed clients and the task builder read it, even when sent as one map. */
function executionAsList(scenario: Record<string, unknown>): Record<string, unknown> {
  const e = scenario.execution;
  return e !== null && typeof e === 'object' && !Array.isArray(e) ? { ...scenario, execution: [e] } : scenario;
}

function definitionProblems(body: ScenarioBody): Problem[] {
  if (body.testType === 'simple') {
    // Agents read `${NAME:-default}` with no variables set: checked here as they will read it.
    const resolved = interpolate(body.testScenario, {});
    const check = checkDefinition(resolved.value);
    const problems = [...resolved.problems, ...(check.ok ? [] : check.problems)];
    return problems.map((p) => toProblem({ ...p, path: ['testScenario', ...p.path] }));
  }
  const execution = body.testScenario.execution;
  if (Array.isArray(execution) && execution.length > 0) return [];
  return [{ field: fieldPath(['testScenario', 'execution']), message: 'needs at least one item' }];
}

function regionProblems(ctx: ApiContext, body: ScenarioBody): Problem[] {
  const known = knownRegions(ctx);
  const problems: Problem[] = [];
  body.testTaskConfigs.forEach((c, i) => {
    const field = `testTaskConfigs[${i}]`;
    if (!known.includes(c.region)) {
      const list = known.length > 0 ? known.join(', ') : 'none yet: start an agent with dlt agent --region NAME';
      problems.push({ field: `${field}.region`, message: `no agents serve region ${c.region} (regions: ${list})` });
      return;
    }
    const max = ctx.orchestrator.launcherFor(c.region)?.maxTasks ?? ctx.limits.tasksPerRegion;
    if (c.taskCount > max)
      problems.push({ field: `${field}.taskCount`, message: `must be at most ${max} in region ${c.region}` });
  });
  return problems;
}

/** The schedule a body asks for, checked against the scheduler's clock (past times refused). */
function scheduleCheck(ctx: ApiContext, body: ScenarioBody): [ScheduleSpec | undefined, Problem[]] {
  const fields = scheduleOf(body);
  if (!fields || !asksForSchedule(fields)) return [undefined, []];
  const check = parseSchedule(fields, ctx.scheduler.now());
  return check.ok ? [check.spec, []] : [undefined, [...check.problems]];
}

/**
 * Saves (and, unless told not to, runs or schedules) a test; returns its id. A body without
 * schedule fields keeps the test's schedule, as the seed's re-POST does.
 */
export async function saveScenario(ctx: ApiContext, body: ScenarioBody, _by: Principal | undefined): Promise<string> {
  const [spec, scheduleProblems] = scheduleCheck(ctx, body);
  const problems = [...definitionProblems(body), ...regionProblems(ctx, body), ...scheduleProblems];
  if (problems.length > 0) throw badRequest('INVALID_REQUEST_BODY', problems);
  const existing = body.testId === undefined ? undefined : await ctx.store.getTest(body.testId);
  const testId = body.testId ?? newId();
  if (ctx.orchestrator.isRunning(testId)) {
    throw new HttpError('TEST_RUNNING', `test ${testId} is running; cancel it or wait for it to end`);
  }
  const now = new Date().toISOString();
  const fileType = body.testType === 'simple' ? 'none' : (body.fileType ?? 'script');
  const schedule = spec ? scheduleOf(body) : existing?.schedule;
  const keepScript = existing?.scriptKey !== undefined && fileType !== 'none';
  const test: TestRecord = {
    testId,
    testName: body.testName,
    testDescription: body.testDescription,
    testType: body.testType,
    fileType,
    // The test's capacity policy is kept on each region's config (a region may set its own).
    testTaskConfigs: body.testTaskConfigs.map(({ capacity = body.capacity, ...c }) => ({
      ...c,
      ...(capacity ? { capacity } : {}),
    })),
    testScenario: executionAsList(body.testScenario),
    showLive: body.showLive ?? false,
    tags: body.tags ?? [],
    healthyThreshold: body.healthyThreshold ?? 90,
    ...(schedule ? { schedule } : {}),
    ...(keepScript ? { scriptKey: existing.scriptKey, scriptName: existing.scriptName } : {}),
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  };
  const runNow = !body.saveOnly && spec === undefined;
  if (runNow && fileType !== 'none' && test.scriptKey === undefined) {
    throw badRequest('INVALID_REQUEST_BODY', [
      {
        field: 'fileType',
        message: `a ${body.testType} test needs its ${fileType} uploaded before it runs`,
        hint: `save it with saveOnly, then PUT /api/scenarios/${testId}/script?name=FILE, then post it again`,
      },
    ]);
  }
  await ctx.store.putTest(test);
  if (spec) await ctx.scheduler.set(testId, spec);
  if (runNow && !(await ctx.orchestrator.start(test))) {
    throw new HttpError('TEST_RUNNING', `test ${testId} is running; cancel it or wait for it to end`);
  }
  return testId;
}
