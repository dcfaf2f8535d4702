/**
 * One run: while it is under way, the live view (charts updating each second from the run's live
 * stream, merged and per region; the per-label table; the tasks per region; elapsed and remaining
 * time; cancel); once it has ended, its results.
 */
import { type RunLiveEvent, type TestRun, terminalStatuses } from '@dlt/client';
import { type KeyboardEvent, useEffect, useMemo, useRef, useState } from 'react';
import { canEdit } from '../api/session.ts';
import { useConfirm } from '../components/confirm.tsx';
import { Link } from '../components/link.tsx';
import { useSession } from '../components/session-context.tsx';
import { Empty, ErrorNote, FailureReason, Gate } from '../components/states.tsx';
import { isActive, StatusBadge } from '../components/status-badge.tsx';
import { type ChartSeries, palette, regionColor, TimeChart } from '../components/time-chart.tsx';
import { useApi } from '../components/use-api.ts';
import { duration, ms, num, when } from '../lib/format.ts';
import { type LivePoint, LiveSeries } from '../lib/live-series.ts';
import { plannedMs } from '../lib/plan-length.ts';
import { loadText, regionsText } from '../lib/settings-text.ts';
import { RunResults } from './run-results.tsx';

export interface TaskView {
  readonly taskId: string;
  readonly region: string;
  readonly status: string;
}

/** Tasks of the run per region, counted by status (pending, running, failed…). */
export function TaskTable({ tasks }: { tasks: readonly TaskView[] }) {
  const regions = [...new Set(tasks.map((t) => t.region))].sort();
  const statuses = [...new Set(tasks.map((t) => t.status))].sort();
  if (tasks.length === 0) return <Empty>No tasks yet.</Empty>;
  return (
    <table className="grid compact">
      <caption>Tasks per region</caption>
      <thead>
        <tr>
          <th>Region</th>
          {statuses.map((s) => (
            <th key={s} className="num">
              {s}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {regions.map((r) => (
          <tr key={r}>
            <td>{r}</td>
            {statuses.map((s) => (
              <td key={s} className={`num ${s === 'failed' ? 'bad-text' : ''}`}>
                {num(tasks.filter((t) => t.region === r && t.status === s).length)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The four live charts for some seconds (merged, or one region). */
function LiveCharts({ points, title }: { points: readonly LivePoint[]; title: string }) {
  const x = points.map((p) => p.t);
  const one = (label: string, color: string, pick: (p: LivePoint) => number): ChartSeries => ({
    label,
    color,
    values: points.map(pick),
  });
  return (
    <div className="charts">
      <TimeChart
        title={`${title}: requests per second`}
        x={x}
        series={[one('req/s', palette[0], (p) => p.rps)]}
        unit="/s"
      />
      <TimeChart
        title={`${title}: response time`}
        x={x}
        unit=" ms"
        series={[
          one('p50', palette[2], (p) => p.p50),
          one('p95', palette[4], (p) => p.p95),
          one('p99', palette[1], (p) => p.p99),
        ]}
      />
      <TimeChart
        title={`${title}: errors per second`}
        x={x}
        series={[one('errors/s', palette[1], (p) => p.errors)]}
        unit="/s"
      />
      <TimeChart title={`${title}: active virtual users`} x={x} whole series={[one('VUs', palette[3], (p) => p.vus)]} />
    </div>
  );
}

/** One line per region on one chart, for comparing regions at a glance. */
function RegionCharts({ series }: { series: LiveSeries }) {
  const regions = series.regions();
  if (regions.length < 2) return null;
  const merged = series.points();
  const x = merged.map((p) => p.t);
  const per = regions.map((r) => new Map(series.points(r).map((p) => [p.t, p])));
  const lines = (pick: (p: LivePoint) => number) =>
    regions.map((r, i) => ({
      label: r,
      color: regionColor(i),
      values: x.map((t) => (per[i].has(t) ? pick(per[i].get(t)!) : null)),
    }));
  return (
    <div className="charts">
      <TimeChart title="Requests per second by region" x={x} series={lines((p) => p.rps)} unit="/s" />
      <TimeChart title="p95 by region" x={x} series={lines((p) => p.p95)} unit=" ms" />
      <TimeChart title="Errors per second by region" x={x} series={lines((p) => p.errors)} unit="/s" />
      <TimeChart title="Virtual users by region" x={x} whole series={lines((p) => p.vus)} />
    </div>
  );
}

function useLive(runId: string, onStatus: (status: string, errorReason?: string) => void) {
  const { client } = useSession();
  const series = useMemo(() => new LiveSeries(), []);
  const [version, setVersion] = useState(0);
  const [error, setError] = useState<unknown>();
  const statusRef = useRef(onStatus);
  statusRef.current = onStatus;
  useEffect(() => {
    const abort = new AbortController();
    let dirty = false;
    // Snapshots of many tasks arrive in bursts; the page redraws at most twice a second.
    const timer = setInterval(() => {
      if (dirty) setVersion((v) => v + 1);
      dirty = false;
    }, 500);
    // A dropped stream (a restarted server, a proxy) is opened again: the server sends every
    // second so far first, and a second already held is replaced, so nothing counts twice.
    (async () => {
      let ended = false;
      while (!ended && !abort.signal.aborted) {
        try {
          for await (const e of client.live(runId, { signal: abort.signal })) {
            const ev = e as RunLiveEvent;
            // Each task's own `snapshot` is not needed: the server's merged `second` has them all, exactly.
            if (ev.event === 'second') {
              series.add(ev.data);
              dirty = true;
            } else if (ev.event === 'status') {
              ended = terminalStatuses.includes(ev.data.status);
              statusRef.current(ev.data.status, ev.data.errorReason);
            }
            setError(undefined);
          }
        } catch (err) {
          if (abort.signal.aborted) return;
          setError(err);
        }
        if (!ended) await new Promise((r) => setTimeout(r, 2000));
      }
    })();
    return () => {
      abort.abort();
      clearInterval(timer);
    };
  }, [client, runId, series]);
  return { series, version, error };
}

function LiveView({ run, onStatus, onCancel }: { run: TestRun; onStatus: (s: string) => void; onCancel?: () => void }) {
  const { series, error } = useLive(run.testRunId, onStatus);
  const [now, setNow] = useState(Date.now());
  const [region, setRegion] = useState('');
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const started = Date.parse(String(run.startAt ?? run.startTime ?? ''));
  const elapsed = Number.isFinite(started) ? Math.max(0, now - started) : Number.NaN;
  const planned = plannedMs(run.testScenario);
  const points = series.points(region || undefined);
  const tabs = ['', ...series.regions()];
  const totals = series.totals();
  const last = points.at(-1);
  const tasks = (Array.isArray(run.tasks) ? run.tasks : []) as TaskView[];
  return (
    <section className="live">
      {error ? <ErrorNote error={error} title="The live stream was cut; reconnecting" /> : null}
      <div className="stats">
        <Stat label="Elapsed" value={duration(elapsed)} />
        <Stat
          label="Remaining"
          value={planned === undefined ? 'by iterations' : duration(Math.max(0, planned - elapsed))}
          title={planned === undefined ? 'The test ends when its iterations are done, not at a set time' : undefined}
        />
        <Stat label="Requests" value={num(totals.requests, 0)} />
        <Stat label="Failures" value={num(totals.failures, 0)} tone={totals.failures > 0 ? 'bad' : undefined} />
        <Stat label="req/s now" value={num(last?.rps, 1)} />
        {/* A second without requests has no p95: a dash, not "0 µs". */}
        <Stat label="p95 now" value={last && last.rps > 0 ? ms(last.p95) : '–'} />
        <Stat label="VUs" value={num(last?.vus, 0)} />
        {onCancel && (
          <button type="button" className="danger" onClick={onCancel}>
            Cancel run
          </button>
        )}
      </div>
      {/* Each table in a box of its own that scrolls, so a long label never widens the page. */}
      <div className="two-col">
        <div>
          <TaskTable tasks={tasks} />
        </div>
        <div>
          <LabelTable series={series} />
        </div>
      </div>
      {points.length === 0 ? (
        <Empty>Waiting for the first second of data…</Empty>
      ) : (
        <>
          {series.regions().length > 1 && (
            // The tab pattern's keys: arrows move between regions, only the chosen tab is in the Tab order.
            <div
              className="tabs"
              role="tablist"
              aria-label="Region"
              onKeyDown={(e) => tabKey(e, tabs, region, setRegion)}
            >
              {tabs.map((r) => (
                <button
                  key={r}
                  type="button"
                  role="tab"
                  aria-selected={region === r}
                  tabIndex={region === r ? 0 : -1}
                  className={region === r ? 'current' : undefined}
                  onClick={() => setRegion(r)}
                >
                  {r || 'All regions'}
                </button>
              ))}
            </div>
          )}
          <LiveCharts points={points} title={region || 'All regions'} />
          {region === '' && <RegionCharts series={series} />}
        </>
      )}
    </section>
  );
}

/** Left/Right (and Home/End) choose the previous/next tab and move the focus with it. */
function tabKey(
  e: KeyboardEvent<HTMLDivElement>,
  tabs: readonly string[],
  current: string,
  choose: (t: string) => void,
) {
  const i = tabs.indexOf(current);
  const next =
    e.key === 'ArrowRight'
      ? (i + 1) % tabs.length
      : e.key === 'ArrowLeft'
        ? (i - 1 + tabs.length) % tabs.length
        : e.key === 'Home'
          ? 0
          : e.key === 'End'
            ? tabs.length - 1
            : -1;
  if (next < 0) return;
  e.preventDefault();
  choose(tabs[next]);
  (e.currentTarget.children[next] as HTMLElement | undefined)?.focus();
}

function LabelTable({ series }: { series: LiveSeries }) {
  const labels = series.labels();
  if (labels.length === 0) return <Empty>No request has completed yet.</Empty>;
  return (
    <table className="grid compact">
      <caption>Per label</caption>
      <thead>
        <tr>
          <th>Label</th>
          <th className="num">Requests</th>
          <th className="num">Failures</th>
          <th className="num">req/s now</th>
          <th className="num">p95 now</th>
        </tr>
      </thead>
      <tbody>
        {labels.map((l) => (
          <tr key={l.label}>
            <td className="label-cell">{l.label}</td>
            <td className="num">{num(l.requests, 0)}</td>
            <td className={`num ${l.failures > 0 ? 'bad-text' : ''}`}>{num(l.failures, 0)}</td>
            <td className="num">{num(l.rps, 1)}</td>
            <td className="num">{l.rps > 0 ? ms(l.p95) : '–'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Stat({
  label,
  value,
  tone,
  title,
}: {
  label: string;
  value: string;
  tone?: 'good' | 'bad';
  title?: string;
}) {
  return (
    <div className={`stat ${tone ?? ''}`} title={title}>
      <span className="stat-label">{label}</span>
      <span className="stat-value">{value}</span>
    </div>
  );
}

export function RunPage({ testId, runId }: { testId: string; runId: string }) {
  const { client, session } = useSession();
  const [active, setActive] = useState(false);
  const [cancelError, setCancelError] = useState<unknown>();
  const [dialog, ask] = useConfirm();
  const run = useApi((c) => c.getTestRun(testId, runId), [testId, runId], { pollMs: 2000, poll: active });
  const r = run.data;
  if (r && isActive(r.status) !== active) setActive(isActive(r.status));
  const cancel = async () => {
    if (!(await ask('Cancel this run? The load stops at once; what was measured is kept.', 'Cancel the run'))) return;
    setCancelError(undefined);
    try {
      await client.cancelScenario(testId);
      run.reload();
    } catch (e) {
      setCancelError(e);
    }
  };
  return (
    <Gate {...run}>
      {(r) => (
        <section>
          {dialog}
          <div className="page-head">
            <div>
              <p className="crumbs">
                <Link to={{ name: 'tests' }}>Tests</Link> ›{' '}
                <Link to={{ name: 'test', testId }}>{String(r.testName ?? testId)}</Link>
              </p>
              <h1>
                Run {when(r.startTime)} <StatusBadge status={r.status} />
              </h1>
              <p className="muted">
                <code>{r.testRunId}</code>
                {r.endTime ? ` · ended ${when(r.endTime)}` : ''}
              </p>
              {/* What this run was asked to do, as it was then (the test may have been edited since). */}
              <p className="muted small run-settings">
                {[loadText(r.testScenario), regionsText(r.testTaskConfigs)].filter(Boolean).join(' · ')}
              </p>
            </div>
            {!isActive(r.status) && r.status === 'complete' && (
              <div className="actions">
                <Link to={{ name: 'compare', testId, runId }} className="button">
                  Compare…
                </Link>
              </div>
            )}
          </div>
          {cancelError ? <ErrorNote error={cancelError} /> : null}
          {r.errorReason && <FailureReason reason={r.errorReason} title="The run failed" />}
          {isActive(r.status) ? (
            <LiveView
              run={r}
              onStatus={(s) => {
                if (s !== r.status) run.reload();
              }}
              onCancel={canEdit(session) && r.status !== 'cancelling' ? () => void cancel() : undefined}
            />
          ) : (
            <RunResults run={r} testId={testId} />
          )}
        </section>
      )}
    </Gate>
  );
}
