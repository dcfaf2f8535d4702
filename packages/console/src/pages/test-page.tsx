/**
 * One test: its settings, the actions (run, cancel with confirmation, edit, copy, delete), the
 * tasks per region while a run is under way, and its runs. Refreshes itself while a run is
 * active.
 */
import type { Scenario, ScenarioInput } from '@dlt/client';
import { useState } from 'react';
import { canEdit } from '../api/session.ts';
import { useConfirm } from '../components/confirm.tsx';
import { Link } from '../components/link.tsx';
import { useSession } from '../components/session-context.tsx';
import { Empty, ErrorNote, FailureReason, Gate } from '../components/states.tsx';
import { isActive, StatusBadge } from '../components/status-badge.tsx';
import { palette, TimeChart } from '../components/time-chart.tsx';
import { useApi } from '../components/use-api.ts';
import { download } from '../lib/download.ts';
import { num, typeName, when } from '../lib/format.ts';
import { describeSchedule } from '../lib/schedule-form.ts';
import { loadText, regionsText, requestsText } from '../lib/settings-text.ts';
import { navigate } from '../router.ts';
import { TaskTable, type TaskView } from './run-page.tsx';
import { RunsTable } from './runs-table.tsx';

/** The stored test posted again: the seed's way to run it. */
export function rerunBody(s: Scenario): ScenarioInput {
  return {
    testId: s.testId,
    testName: s.testName,
    testDescription: s.testDescription,
    testType: s.testType,
    fileType: s.fileType,
    testTaskConfigs: s.testTaskConfigs,
    testScenario: s.testScenario,
    showLive: s.showLive,
    tags: s.tags,
  };
}

/** While a run is under way: its tasks per region by status (pending, running, failed…). */
function RunTasks({ testId, runId }: { testId: string; runId: string }) {
  const run = useApi((c) => c.getTestRun(testId, runId), [testId, runId], { pollMs: 1500 });
  return <Gate {...run}>{(r) => <TaskTable tasks={(Array.isArray(r.tasks) ? r.tasks : []) as TaskView[]} />}</Gate>;
}

/** p95 and p99 of the last completed runs, oldest left. */
function Trend({ testId, version }: { testId: string; version: string }) {
  const runs = useApi((c) => c.listTestRuns(testId, { limit: 30 }), [testId, version]);
  const done = [...(runs.data?.testRuns ?? [])]
    .filter((r) => r.status === 'complete' && r.percentiles && r.startTime)
    .reverse();
  if (done.length < 2) return <Empty>The trend of the percentiles shows from the second completed run.</Empty>;
  const x = done.map((r) => Date.parse(r.startTime!) / 1000);
  return (
    <TimeChart
      title="Last runs: p50, p95, p99"
      x={x}
      unit=" ms"
      height={170}
      series={[
        { label: 'p50', color: palette[2], values: done.map((r) => r.percentiles?.p50 ?? null) },
        { label: 'p95', color: palette[4], values: done.map((r) => r.percentiles?.p95 ?? null) },
        { label: 'p99', color: palette[1], values: done.map((r) => r.percentiles?.p99 ?? null) },
      ]}
    />
  );
}

/** The test's schedule: what it is, the next run, the last firings; removable by editors. */
function Schedule({
  testId,
  editor,
  version,
  onChange,
}: {
  testId: string;
  editor: boolean;
  version: string;
  onChange: () => void;
}) {
  const { client } = useSession();
  const info = useApi((c) => c.getSchedule(testId, { limit: 5 }), [testId, version]);
  const [error, setError] = useState<unknown>();
  const [dialog, ask] = useConfirm();
  const s = info.data;
  const what = s ? describeSchedule(s) : undefined;
  if (!s || (!what && s.events.length === 0)) return null;
  const remove = async () => {
    if (!(await ask('Remove the schedule? Runs already made stay.', 'Remove schedule'))) return;
    setError(undefined);
    try {
      await client.deleteSchedule(testId);
      info.reload();
      onChange();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section className="schedule">
      {dialog}
      <div className="section-head">
        <h2>Schedule</h2>
        {editor && what && (
          <button type="button" className="danger" onClick={() => void remove()}>
            Remove schedule
          </button>
        )}
      </div>
      {error ? <ErrorNote error={error} /> : null}
      <p>
        {what ?? 'No schedule.'}
        {what ? (
          <> · next run {s.nextRun ? <strong>{when(s.nextRun)}</strong> : 'none (it will not fire again)'}</>
        ) : null}
      </p>
      {s.events.length > 0 && (
        <table className="grid compact">
          <caption>Last firings</caption>
          <thead>
            <tr>
              <th>Firing</th>
              <th>Outcome</th>
              <th>Detail</th>
            </tr>
          </thead>
          <tbody>
            {s.events.map((e) => (
              <tr key={`${e.firing}${e.at}`}>
                <td>{when(e.firing)}</td>
                <td>
                  <span className={`badge ${e.outcome === 'started' ? 'ok' : e.outcome === 'failed' ? 'bad' : 'warn'}`}>
                    {e.outcome}
                  </span>
                </td>
                <td>
                  {e.runId ? <Link to={{ name: 'run', testId, runId: e.runId }}>the run</Link> : null} {e.detail ?? ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

const shownRequests = 5;

function Settings({ s }: { s: Scenario }) {
  const requests = s.testType === 'simple' ? requestsText(s.testScenario) : [];
  const thresholds = Object.entries(
    ((s.testScenario as { thresholds?: unknown }).thresholds ?? {}) as Record<string, unknown>,
  ).flatMap(([metric, v]) =>
    (Array.isArray(v) ? v : [v]).map((e) => `${metric}: ${typeof e === 'string' ? e : JSON.stringify(e)}`),
  );
  const load = loadText(s.testScenario);
  return (
    <dl className="settings">
      <dt>Type</dt>
      <dd>
        {typeName(s.testType)}
        {typeof s.scriptName === 'string' ? ` · ${s.scriptName}` : ''}
      </dd>
      <dt>Tags</dt>
      <dd>
        {(s.tags ?? []).length
          ? (s.tags ?? []).map((t) => (
              <span className="tag" key={t}>
                {t}
              </span>
            ))
          : '–'}
      </dd>
      {requests.length > 0 && (
        <>
          <dt>Requests</dt>
          <dd>
            {requests.slice(0, shownRequests).map((r, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the same request may be listed twice
              <code key={i} className="setting-line">
                {r}
              </code>
            ))}
            {requests.length > shownRequests && (
              <span className="muted small">and {num(requests.length - shownRequests, 0)} more</span>
            )}
          </dd>
        </>
      )}
      <dt>Load</dt>
      <dd>{load || '–'}</dd>
      <dt>Regions</dt>
      <dd>{regionsText(s.testTaskConfigs)}</dd>
      <dt>Thresholds</dt>
      <dd>
        {thresholds.length
          ? thresholds.map((t) => (
              <code key={t} className="setting-line">
                {t}
              </code>
            ))
          : '–'}
      </dd>
      <dt>Last run</dt>
      <dd>{when(s.startTime)}</dd>
      {typeof s.nextRun === 'string' && (
        <>
          <dt>Next run</dt>
          <dd>{when(s.nextRun)}</dd>
        </>
      )}
      <dt>Live data</dt>
      <dd>{s.showLive ? 'on' : 'off'}</dd>
      <dt>Id</dt>
      <dd>
        <code>{s.testId}</code>
      </dd>
    </dl>
  );
}

export function TestPage({ testId }: { testId: string }) {
  const { client, session } = useSession();
  const editor = canEdit(session);
  const [active, setActive] = useState(false);
  const [error, setError] = useState<unknown>();
  const [dialog, ask] = useConfirm();
  const test = useApi((c) => c.getScenario(testId, { history: false, latest: false }), [testId], {
    pollMs: 1500,
    poll: active,
  });
  const s = test.data;
  if (s && isActive(s.status) !== active) setActive(isActive(s.status));
  const act = async (what: () => Promise<void>) => {
    setError(undefined);
    try {
      await what();
    } catch (e) {
      setError(e);
    }
  };
  const run = () =>
    act(async () => {
      const started = await client.createScenario(rerunBody(s!));
      if (started.testRunId) navigate({ name: 'run', testId, runId: started.testRunId });
    });
  const cancel = async () => {
    if (await ask('Cancel the running test? The load stops at once; what was measured is kept.', 'Cancel the run')) {
      await act(async () => {
        await client.cancelScenario(testId);
        test.reload();
      });
    }
  };
  const remove = async () => {
    if (await ask(`Delete "${s?.testName}" with all its runs and results? This cannot be undone.`, 'Delete the test')) {
      await act(async () => {
        await client.deleteScenario(testId);
        navigate({ name: 'tests' });
      });
    }
  };
  const script = () =>
    act(async () =>
      download(String(s?.scriptName ?? 'script'), await client.downloadScript(testId), 'application/octet-stream'),
    );
  return (
    <Gate {...test}>
      {(s) => (
        <section>
          {dialog}
          <div className="page-head">
            <div>
              <p className="crumbs">
                <Link to={{ name: 'tests' }}>Tests</Link>
              </p>
              <h1>
                {s.testName} <StatusBadge status={s.status} />
              </h1>
              <p className="muted">{s.testDescription}</p>
            </div>
            <div className="actions">
              {editor && !isActive(s.status) && (
                <button type="button" className="primary" onClick={() => void run()}>
                  Run
                </button>
              )}
              {editor && isActive(s.status) && (
                <button type="button" className="danger" onClick={() => void cancel()}>
                  Cancel run
                </button>
              )}
              {s.testRunId && isActive(s.status) && (
                <Link to={{ name: 'run', testId, runId: s.testRunId }} className="button">
                  Watch live
                </Link>
              )}
              {editor && (
                <>
                  <Link to={{ name: 'edit', testId }} className="button">
                    Edit
                  </Link>
                  <Link to={{ name: 'copy', testId }} className="button">
                    Copy
                  </Link>
                  <button type="button" className="danger" disabled={isActive(s.status)} onClick={() => void remove()}>
                    Delete
                  </button>
                </>
              )}
              {typeof s.scriptName === 'string' && (
                <button type="button" onClick={() => void script()}>
                  Download script
                </button>
              )}
            </div>
          </div>
          {error ? <ErrorNote error={error} /> : null}
          {s.errorReason && <FailureReason reason={s.errorReason} title="The last run failed" />}
          <div className="two-col">
            <Settings s={s} />
            {s.testRunId && isActive(s.status) ? (
              <RunTasks testId={testId} runId={s.testRunId} />
            ) : (
              <Trend testId={testId} version={`${s.testRunId}:${s.status}`} />
            )}
          </div>
          <Schedule
            testId={testId}
            editor={editor}
            version={`${s.status}:${String(s.nextRun)}`}
            onChange={test.reload}
          />
          <RunsTable
            testId={testId}
            baselineId={(s.baselineId as string | null) ?? null}
            editor={editor}
            version={`${s.testRunId}:${s.status}`}
            onChange={test.reload}
          />
        </section>
      )}
    </Gate>
  );
}
