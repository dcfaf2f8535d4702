/**
 * The contract every Store implementation passes: call `storeContract(name, makeFixture)` from
 * the implementation's test file. Each case gets a fresh, empty database from the fixture;
 * `open` may be called again on the same database to prove records survive a reopen.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunRecord, Store, TaskRecord, TestRecord, TokenRecord } from './store.ts';

export interface StoreFixture {
  /** Opens (migrating as needed) the fixture's database; may be called again after `close`. */
  open(): Promise<Store>;
  /** Removes the database. */
  dispose(): Promise<void>;
}

const iso = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();

export function sampleTest(testId: string, over: Partial<TestRecord> = {}): TestRecord {
  return {
    testId,
    testName: `test ${testId}`,
    testDescription: 'a test',
    testType: 'simple',
    fileType: 'none',
    testTaskConfigs: [{ region: 'local', taskCount: 2, concurrency: 3 }],
    testScenario: { execution: [{ concurrency: 1, 'hold-for': '1s', scenario: 's' }], scenarios: { s: {} } },
    showLive: false,
    tags: ['api'],
    healthyThreshold: 90,
    createdAt: iso(0),
    updatedAt: iso(0),
    ...over,
  };
}

export function sampleRun(runId: string, testId: string, over: Partial<RunRecord> = {}): RunRecord {
  return {
    runId,
    testId,
    status: 'queued',
    startTime: iso(1),
    testName: 'n',
    testDescription: 'd',
    testType: 'simple',
    fileType: 'none',
    taskConfigs: [{ region: 'local', taskCount: 1, concurrency: 1 }],
    definition: { execution: [] },
    ...over,
  };
}

function sampleTask(taskId: string, runId: string, index: number): TaskRecord {
  return {
    taskId,
    runId,
    testId: 't1',
    region: 'local',
    index,
    concurrency: 2,
    status: 'pending',
    resultStored: false,
  };
}

type Case = (store: Store, fixture: StoreFixture) => Promise<void>;

const cases: Record<string, Case> = {
  'a test round-trips, is replaced by put, and survives a reopen': async (store, fixture) => {
    const t = sampleTest('t1', { schedule: { cronValue: '0 * * * *' }, scriptKey: 'tests/t1/a.jmx' });
    await store.putTest(t);
    assert.deepEqual(await store.getTest('t1'), t);
    await store.putTest({ ...t, testName: 'renamed' });
    assert.equal((await store.getTest('t1'))?.testName, 'renamed');
    await store.close();
    const again = await fixture.open();
    assert.equal((await again.getTest('t1'))?.testName, 'renamed');
    assert.equal(await again.getTest('nope'), undefined);
    await again.close();
  },
  'listTests filters by any tag and carries the last run and the run count': async (store) => {
    await store.putTest(sampleTest('a', { tags: ['x', 'y'] }));
    await store.putTest(sampleTest('b', { tags: ['z'] }));
    await store.createRun(sampleRun('r1', 'a', { status: 'complete', startTime: iso(5) }));
    await store.createRun(sampleRun('r2', 'a', { startTime: iso(9) }));
    const all = await store.listTests();
    assert.deepEqual(all.map((l) => l.test.testId).sort(), ['a', 'b']);
    const a = all.find((l) => l.test.testId === 'a')!;
    assert.equal(a.totalRuns, 2);
    assert.equal(a.lastRun?.runId, 'r2');
    assert.equal(all.find((l) => l.test.testId === 'b')?.lastRun, undefined);
    assert.deepEqual(
      (await store.listTests(['y', 'q'])).map((l) => l.test.testId),
      ['a'],
    );
    assert.deepEqual(await store.listTests(['none']), []);
  },
  'createRun refuses a second active run of the same test': async (store) => {
    await store.putTest(sampleTest('t1'));
    assert.equal(await store.createRun(sampleRun('r1', 't1')), true);
    assert.equal(await store.createRun(sampleRun('r2', 't1')), false);
    assert.equal(await store.transitionRun('r1', ['queued'], 'failed', { errorReason: 'x' }), true);
    assert.equal(await store.createRun(sampleRun('r3', 't1')), true);
  },
  'transitions are compare-and-set and terminal statuses never change': async (store) => {
    await store.putTest(sampleTest('t1'));
    await store.createRun(sampleRun('r1', 't1', { definition: { a: [1, 2] } }));
    assert.equal(await store.transitionRun('r1', ['running'], 'complete'), false);
    assert.equal(await store.transitionRun('r1', ['queued'], 'provisioning', { startAtMs: 123 }), true);
    assert.equal(await store.transitionRun('r1', ['provisioning'], 'cancelled', { endTime: iso(3) }), true);
    for (const to of ['complete', 'failed', 'running'] as const) {
      assert.equal(await store.transitionRun('r1', ['cancelled', 'provisioning'], to), false);
    }
    const run = await store.getRun('r1');
    assert.equal(run?.status, 'cancelled');
    assert.equal(run?.startAtMs, 123);
    assert.equal(run?.endTime, iso(3));
    assert.deepEqual(run?.definition, { a: [1, 2] });
    assert.equal(await store.transitionRun('missing', ['queued'], 'running'), false);
  },
  'patchRun changes fields, not the status, and keeps JSON exact': async (store) => {
    await store.putTest(sampleTest('t1'));
    await store.createRun(sampleRun('r1', 't1'));
    const results = { total: { throughput: 3, p99_0: '0.012', labels: [] } };
    assert.equal(await store.patchRun('r1', { results, summary: { a: 1.5 }, startSpreadMs: 4 }), true);
    const run = await store.getRun('r1');
    assert.deepEqual(run?.results, results);
    assert.deepEqual(run?.summary, { a: 1.5 });
    assert.equal(run?.startSpreadMs, 4);
    assert.equal(run?.status, 'queued');
    assert.equal(await store.patchRun('missing', { startSpreadMs: 1 }), false);
  },
  'listRuns pages newest first with a cursor, filters by time, and counts': async (store) => {
    await store.putTest(sampleTest('t1'));
    for (let i = 0; i < 7; i++)
      await store.createRun(sampleRun(`r${i}`, 't1', { status: 'complete', startTime: iso(i) }));
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 5; page++) {
      const p = await store.listRuns('t1', { limit: 3, cursor });
      assert.equal(p.total, 7);
      seen.push(...p.runs.map((r) => r.runId));
      cursor = p.nextCursor;
      if (cursor === undefined) break;
    }
    assert.deepEqual(seen, ['r6', 'r5', 'r4', 'r3', 'r2', 'r1', 'r0']);
    const window = await store.listRuns('t1', { limit: 10, from: iso(2), to: iso(4) });
    assert.deepEqual(
      window.runs.map((r) => r.runId),
      ['r4', 'r3', 'r2'],
    );
    assert.equal(window.total, 3);
    assert.equal(window.nextCursor, undefined);
    assert.equal((await store.latestRun('t1'))?.runId, 'r6');
    assert.equal(await store.countRuns('t1'), 7);
  },
  'activeRuns lists only non-terminal runs; deleteRuns removes runs and their tasks': async (store) => {
    await store.putTest(sampleTest('t1'));
    await store.putTest(sampleTest('t2'));
    await store.createRun(sampleRun('r1', 't1', { status: 'complete' }));
    await store.createRun(sampleRun('r2', 't1', { status: 'running' }));
    await store.createRun(sampleRun('r3', 't2', { status: 'parsing results' }));
    assert.deepEqual((await store.activeRuns()).map((r) => r.runId).sort(), ['r2', 'r3']);
    await store.putTasks([sampleTask('r1-t0', 'r1', 0)]);
    assert.equal(await store.deleteRuns('t1', ['r1', 'r3', 'zz']), 1);
    assert.equal(await store.getRun('r1'), undefined);
    assert.equal(await store.getTask('r1-t0'), undefined);
    assert.equal((await store.getRun('r3'))?.status, 'parsing results');
  },
  'tasks round-trip, patch, and store their result once': async (store) => {
    await store.putTest(sampleTest('t1'));
    await store.createRun(sampleRun('r1', 't1'));
    await store.putTasks([sampleTask('r1-t1', 'r1', 1), sampleTask('r1-t0', 'r1', 0)]);
    assert.deepEqual(
      (await store.listTasks('r1')).map((t) => t.taskId),
      ['r1-t0', 'r1-t1'],
    );
    assert.equal(await store.patchTask('r1-t0', { status: 'ready', agentId: 'a1', clockOffsetMs: -2.5 }), true);
    assert.equal(await store.patchTask('nope', { status: 'ready' }), false);
    assert.equal(await store.markResultStored('r1-t0', { status: 'done', startedAtMs: 1000, rttMs: 0.4 }), true);
    assert.equal(await store.markResultStored('r1-t0', { status: 'failed' }), false);
    const t = await store.getTask('r1-t0');
    assert.deepEqual(
      [t?.status, t?.agentId, t?.clockOffsetMs, t?.startedAtMs, t?.rttMs, t?.resultStored],
      ['done', 'a1', -2.5, 1000, 0.4, true],
    );
  },
  'baselines are set, replaced, read and cleared': async (store) => {
    await store.putTest(sampleTest('t1'));
    await store.createRun(sampleRun('r1', 't1', { status: 'complete' }));
    await store.createRun(sampleRun('r2', 't1', { status: 'complete' }));
    assert.equal(await store.getBaseline('t1'), undefined);
    assert.equal((await store.setBaseline('t1', 'r1'))?.runId, 'r1');
    assert.equal((await store.setBaseline('t1', 'r2'))?.runId, 'r2');
    assert.equal((await store.getBaseline('t1'))?.runId, 'r2');
    assert.equal(await store.clearBaseline('t1'), true);
    assert.equal(await store.clearBaseline('t1'), false);
  },
  'deleteTest removes the test, its runs, tasks and baseline': async (store) => {
    await store.putTest(sampleTest('t1'));
    await store.createRun(sampleRun('r1', 't1', { status: 'complete' }));
    await store.putTasks([sampleTask('r1-t0', 'r1', 0)]);
    await store.setBaseline('t1', 'r1');
    assert.equal(await store.deleteTest('t1'), true);
    assert.equal(await store.deleteTest('t1'), false);
    assert.equal(await store.getRun('r1'), undefined);
    assert.equal(await store.getTask('r1-t0'), undefined);
    assert.equal(await store.getBaseline('t1'), undefined);
    await store.putTest(sampleTest('t1'));
    assert.equal(await store.countRuns('t1'), 0);
  },
  'schedules round-trip, list, come due in order and survive a reopen': async (store, fixture) => {
    await store.putTest(sampleTest('a'));
    await store.putTest(sampleTest('b'));
    await store.putSchedule({ testId: 'a', nextRun: iso(30), updatedAt: iso(0) });
    await store.putSchedule({ testId: 'b', nextRun: iso(10), updatedAt: iso(0) });
    await store.putSchedule({ testId: 'c', updatedAt: iso(0) });
    assert.deepEqual(await store.getSchedule('c'), { testId: 'c', updatedAt: iso(0) });
    assert.equal(await store.nextScheduledRun(), iso(10));
    assert.deepEqual(
      (await store.dueSchedules(iso(30))).map((s) => s.testId),
      ['b', 'a'],
    );
    assert.deepEqual(
      (await store.dueSchedules(iso(29))).map((s) => s.testId),
      ['b'],
    );
    await store.putSchedule({ testId: 'b', nextRun: iso(50), updatedAt: iso(1) });
    assert.equal(await store.nextScheduledRun(), iso(30));
    await store.close();
    const again = await fixture.open();
    assert.deepEqual(
      (await again.listSchedules()).map((s) => [s.testId, s.nextRun]),
      [
        ['a', iso(30)],
        ['b', iso(50)],
        ['c', undefined],
      ],
    );
    assert.equal(await again.deleteSchedule('c'), true);
    assert.equal(await again.deleteSchedule('c'), false);
    await again.close();
  },
  'a firing is claimed once (compare-and-set), and events list newest first': async (store) => {
    await store.putTest(sampleTest('t1'));
    await store.putSchedule({ testId: 't1', nextRun: iso(10), updatedAt: iso(0) });
    const claims = await Promise.all([
      store.claimFiring('t1', iso(10), iso(20), iso(10)),
      store.claimFiring('t1', iso(10), iso(20), iso(10)),
    ]);
    assert.deepEqual(claims.sort(), [false, true]);
    assert.equal(await store.claimFiring('t1', iso(10), iso(20), iso(11)), false);
    assert.equal((await store.getSchedule('t1'))?.nextRun, iso(20));
    assert.equal(await store.claimFiring('t1', iso(20), undefined, iso(20)), true);
    assert.equal((await store.getSchedule('t1'))?.nextRun, undefined);
    assert.equal(await store.nextScheduledRun(), undefined);
    assert.equal(await store.claimFiring('nope', iso(10), iso(20), iso(10)), false);
    const e = { testId: 't1', firing: iso(10), outcome: 'started', runId: 'r1' } as const;
    await store.addScheduleEvent({ ...e, eventId: 'e1', at: iso(10) });
    await store.addScheduleEvent({
      ...e,
      eventId: 'e2',
      at: iso(20),
      outcome: 'overlap',
      runId: undefined,
      detail: 'x',
    });
    const events = await store.listScheduleEvents('t1', 10);
    assert.deepEqual(
      events.map((x) => [x.eventId, x.outcome, x.runId, x.detail]),
      [
        ['e2', 'overlap', undefined, 'x'],
        ['e1', 'started', 'r1', undefined],
      ],
    );
    assert.equal((await store.listScheduleEvents('t1', 1)).length, 1);
    assert.equal(await store.deleteTest('t1'), true);
    assert.equal(await store.getSchedule('t1'), undefined);
    assert.deepEqual(await store.listScheduleEvents('t1', 10), []);
  },
  'users are unique by name and counted': async (store) => {
    const u = { username: 'admin', role: 'admin', passwordHash: 'scrypt$x', createdAt: iso(0) } as const;
    assert.equal(await store.countUsers(), 0);
    assert.equal(await store.createUser(u), true);
    assert.equal(await store.createUser({ ...u, role: 'viewer' }), false);
    assert.deepEqual(await store.getUser('admin'), u);
    assert.equal(await store.getUser('other'), undefined);
    assert.equal(await store.countUsers(), 1);
  },
  'users are listed by name and their role changes': async (store) => {
    const u = { username: 'zoe', role: 'viewer', passwordHash: 'scrypt$x', createdAt: iso(0) } as const;
    assert.equal(await store.createUser(u), true);
    assert.equal(await store.createUser({ ...u, username: 'al', role: 'admin' }), true);
    assert.deepEqual(
      (await store.listUsers()).map((x) => [x.username, x.role]),
      [
        ['al', 'admin'],
        ['zoe', 'viewer'],
      ],
    );
    assert.equal(await store.setUserRole('zoe', 'editor'), true);
    assert.equal((await store.getUser('zoe'))?.role, 'editor');
    assert.equal((await store.getUser('zoe'))?.passwordHash, 'scrypt$x');
    assert.equal(await store.setUserRole('nobody', 'editor'), false);
  },
  'tokens are found by hash, listed by owner and deleted': async (store) => {
    const tok: TokenRecord = {
      tokenId: 'k1',
      name: 'ci',
      role: 'editor',
      kind: 'api',
      hash: 'ab'.repeat(32),
      owner: 'admin',
      createdAt: iso(0),
      expiresAt: iso(60),
    };
    await store.createToken(tok);
    await store.createToken({ ...tok, tokenId: 'k2', hash: 'cd'.repeat(32), owner: 'bob', expiresAt: undefined });
    assert.deepEqual(await store.findToken(tok.hash), tok);
    assert.equal((await store.findToken('cd'.repeat(32)))?.expiresAt, undefined);
    assert.equal(await store.findToken('ef'.repeat(32)), undefined);
    assert.deepEqual(
      (await store.listTokens('admin')).map((t) => t.tokenId),
      ['k1'],
    );
    assert.equal(await store.deleteToken('k1'), true);
    assert.equal(await store.deleteToken('k1'), false);
    assert.equal(await store.findToken(tok.hash), undefined);
  },
};

/** Registers the contract's cases for one implementation. */
export function storeContract(name: string, makeFixture: () => Promise<StoreFixture>): void {
  for (const [title, run] of Object.entries(cases)) {
    test(`${name} store: ${title}`, async () => {
      const fixture = await makeFixture();
      const store = await fixture.open();
      try {
        await run(store, fixture);
      } finally {
        await store.close().catch(() => {});
        await fixture.dispose();
      }
    });
  }
}
