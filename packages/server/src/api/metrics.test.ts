/**
 * `GET /metrics` against a real server with a hand-driven agent: the text parses as Prometheus'
 * exposition format, and it holds the platform's health (runs by status, agents and slots per
 * region, HTTP requests per route) and the live numbers of a running run, per region, from the
 * merged seconds.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Recorder } from '@dlt/metrics';
import { type Snapshot, zeroTimings } from '@dlt/model';
import { ProtocolAgent } from '../hub/protocol-agent.ts';
import { seedBody, type TestServer, testServer } from '../test-kit.ts';
import { escapeLabel } from './prometheus.ts';

let t: TestServer;
let agent: ProtocolAgent;
before(async () => {
  t = await testServer({ hubTiming: { pings: 2, pingGapMs: 5 } });
  agent = new ProtocolAgent({ url: t.server.url, token: t.tokens.agent, region: 'prom', name: 'p1' });
});
after(async () => {
  agent.close();
  await t.close();
});

/** One second of `n` requests of `ms` each. */
function second(at: number, n: number, ms: number): Snapshot {
  const rec = new Recorder({ startedAt: at, clock: () => at + 1000 });
  for (let i = 0; i < n; i++) {
    rec.record({
      label: 'home',
      scenario: 's',
      method: 'GET',
      status: i === 0 ? 503 : 200,
      error: null,
      intendedAt: at + i,
      startedAt: at + i,
      firstByteAt: at + i + ms / 2,
      endedAt: at + i + ms,
      timings: zeroTimings,
      bytesSent: 10,
      bytesReceived: 100,
    });
  }
  return rec.tick(at + 1000);
}

/**
 * Samples of the text by name and labels (`name{a="x",b="y"}` → value), checked as Prometheus
 * reads them: every sample under its family's HELP and TYPE, no series twice, `quantile` only
 * in a summary, and counters named `_total`.
 */
function parse(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  const types = new Map<string, string>();
  const line = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})? (\S+)$/;
  let family = '';
  for (const l of text.split('\n')) {
    if (l === '') continue;
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(l);
    if (meta) {
      family = meta[2];
      if (meta[1] === 'TYPE') {
        assert.ok(!types.has(family), `${family} typed twice`);
        types.set(family, meta[3]);
        if (meta[3] === 'counter') assert.match(family, /_total$/, `counter ${family}`);
      }
      continue;
    }
    const m = line.exec(l);
    assert.ok(m, `not an exposition line: ${l}`);
    const type = types.get(family);
    assert.ok(type, `${l}: no TYPE line before it`);
    const suffix = type === 'histogram' ? /(_bucket|_sum|_count)?$/ : type === 'summary' ? /(_sum|_count)?$/ : /$/;
    assert.equal(m[1].replace(suffix, ''), family, `${l}: not of family ${family}`);
    if (type !== 'summary') assert.doesNotMatch(m[2] ?? '', /[{,]quantile=/, `${l}: quantile outside a summary`);
    const key = `${m[1]}${m[2] ?? ''}`;
    assert.ok(!samples.has(key), `series twice: ${key}`);
    samples.set(key, Number(m[3]));
  }
  return samples;
}

test('/metrics needs a token, and an agent token will not do', async () => {
  assert.equal((await t.call('GET', '/metrics')).status, 401);
  assert.equal((await t.call('GET', '/metrics', { token: 'agent' })).status, 403);
});

test("/metrics holds the platform's health and a running run's live numbers", async () => {
  for (let i = 0; i < 100 && !t.server.context.hub.agents('prom')[0]?.synced; i++)
    await new Promise((r) => setTimeout(r, 20));
  const body = seedBody('http://127.0.0.1:9/', { testTaskConfigs: [{ region: 'prom', taskCount: 1, concurrency: 1 }] });
  const created = await t.call('POST', '/api/scenarios', { token: 'editor', body });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const { testId, testRunId } = created.body;
  const assign = await agent.next('assign');
  agent.send({ type: 'ready', taskId: assign.task.taskId });
  await agent.next('start');
  const at = Math.floor(Date.now() / 1000) * 1000 - 2000;
  agent.send({ type: 'snapshot', taskId: assign.task.taskId, snapshot: second(at, 40, 30) });
  agent.send({ type: 'snapshot', taskId: assign.task.taskId, snapshot: second(at + 1000, 60, 80) });
  await t.call('GET', `/api/scenarios/${testId}`, { token: 'viewer' });

  const res = await t.fetch('GET', '/metrics', { token: 'viewer' });
  assert.equal(res.status, 200);
  const m = parse(res.body as string);
  const run = `run_id="${testRunId}",test_id="${testId}"`;
  assert.equal(m.get('dlt_runs{status="running"}'), 1);
  assert.equal(m.get('dlt_runs_started_total'), 1);
  assert.equal(m.get('dlt_runs_ended_total{status="complete"}'), 0);
  assert.equal(m.get('dlt_agents_online{region="prom"}'), 1);
  assert.equal(m.get('dlt_agent_slots{region="prom"}'), 1);
  assert.equal(m.get('dlt_agent_slots_free{region="prom"}'), 0);
  assert.equal(m.get(`dlt_run_requests_total{${run},region="prom"}`), 100);
  assert.equal(m.get(`dlt_run_failures_total{${run},region="prom"}`), 2);
  assert.equal(m.get(`dlt_run_received_bytes_total{${run},region="prom"}`), 10_000);
  assert.equal(m.get(`dlt_run_requests_per_second{${run},region="(all)"}`), 60);
  const p99 = m.get(`dlt_run_response_time_seconds{${run},region="prom",percentile="99"}`) ?? 0;
  assert.ok(Math.abs(p99 - 0.08) < 0.001, `p99 ${p99}`);
  const scenarioGets = `dlt_http_request_duration_seconds_count{method="GET",route="/api/scenarios/:testId",code="200"}`;
  assert.ok((m.get(scenarioGets) ?? 0) >= 1, 'HTTP requests are counted by route pattern');
  assert.ok((m.get('process_resident_memory_bytes') ?? 0) > 0);

  await t.call('POST', `/api/scenarios/${testId}`, { token: 'editor' });
  agent.send({ type: 'done', taskId: assign.task.taskId, interrupted: true });
  let after = new Map<string, number>();
  for (let i = 0; i < 100 && after.get('dlt_runs_ended_total{status="cancelled"}') !== 1; i++) {
    await new Promise((r) => setTimeout(r, 20));
    after = parse((await t.fetch('GET', '/metrics', { token: 'viewer' })).body as string);
  }
  assert.equal(after.get('dlt_runs_ended_total{status="cancelled"}'), 1);
  assert.equal(after.get(`dlt_run_requests_total{${run},region="prom"}`), undefined, 'an ended run is not live');
});

test('two agents of one name (the host name by default) have a series each', async () => {
  const twins = ['twin-1', 'twin-2'].map(
    (agentId) =>
      new ProtocolAgent({ url: t.server.url, token: t.tokens.agent, region: 'twins', name: 'host', agentId }),
  );
  try {
    for (let i = 0; i < 100 && t.server.context.hub.agents('twins').filter((a) => a.synced).length < 2; i++)
      await new Promise((r) => setTimeout(r, 20));
    const m = parse((await t.fetch('GET', '/metrics', { token: 'viewer' })).body as string);
    for (const id of ['twin-1', 'twin-2'])
      assert.ok(m.has(`dlt_agent_rtt_seconds{region="twins",agent="host",agent_id="${id}"}`), id);
  } finally {
    for (const a of twins) a.close();
  }
});

test('label values are escaped', () => {
  assert.equal(escapeLabel('a"b\\c\nd'), 'a\\"b\\\\c\\nd');
});
