/**
 * Compare a run with the test's baseline or any other run: each metric's value in both, the
 * change and the change in percent, coloured better or worse; the same per region and per
 * label; and both timelines overlaid from their start.
 */
import type { Comparison, TestRun } from '@dlt/client';
import { Link } from '../components/link.tsx';
import { Empty, Gate } from '../components/states.tsx';
import { type ChartSeries, palette, TimeChart } from '../components/time-chart.tsx';
import { useApi } from '../components/use-api.ts';
import { comparedMetrics, toneOf } from '../lib/compare-tone.ts';
import { bytes, duration, ms, num, percent, signed, when } from '../lib/format.ts';
import { navigate } from '../router.ts';
import { summaryOf, type TimelinePoint } from './run-results.tsx';

interface Delta {
  readonly value: number;
  readonly baseline: number;
  readonly delta: number;
  readonly deltaPercent: number | null;
}
type Deltas = Readonly<Record<string, Delta>>;

type Unit = (typeof comparedMetrics)[number]['unit'];

function show(v: number, unit: Unit): string {
  switch (unit) {
    case 'count':
      return num(v, 0);
    case 'rate':
      return num(v, 1);
    case 'ratio':
      return percent(v);
    case 'ms':
      return ms(v);
    case 'bytes/s':
      return `${bytes(v)}/s`;
  }
}

function showDelta(v: number, unit: Unit): string {
  switch (unit) {
    case 'ratio':
      return signed(v * 100, ' pt');
    case 'ms':
      return signed(v, ' ms');
    case 'bytes/s':
      return signed(v / 1000, ' kB/s');
    default:
      return signed(v);
  }
}

function DeltaTable({ caption, deltas }: { caption: string; deltas: Deltas }) {
  // Its own scrolling box: long labels and two numbers per cell must not widen the page.
  return (
    <div className="scroll-x">
      <table className="grid compare">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th>Metric</th>
            <th className="num">This run</th>
            <th className="num">Compared with</th>
            <th className="num">Change</th>
            <th className="num">Change %</th>
          </tr>
        </thead>
        <tbody>
          {comparedMetrics
            .filter((m) => deltas[m.key])
            .map((m) => {
              const d = deltas[m.key];
              const tone = toneOf(m.key, d.delta, d.deltaPercent);
              return (
                <tr key={m.key} className={`tone-${tone}`}>
                  <td>{m.label}</td>
                  <td className="num">{show(d.value, m.unit)}</td>
                  <td className="num">{show(d.baseline, m.unit)}</td>
                  <td className="num delta">{showDelta(d.delta, m.unit)}</td>
                  <td className="num delta">
                    {d.deltaPercent === null ? '–' : signed(d.deltaPercent, ' %')}{' '}
                    <span className="sr-only">{tone}</span>
                  </td>
                </tr>
              );
            })}
        </tbody>
      </table>
    </div>
  );
}

/** A compact table of one metric group (per label or per region): p95, req/s and error rate deltas. */
function KeyedDeltas({
  caption,
  keyName,
  rows,
}: {
  caption: string;
  keyName: string;
  rows: Readonly<Record<string, Deltas>>;
}) {
  const keys = Object.keys(rows);
  if (keys.length === 0) return null;
  const cell = (d: Delta | undefined, metric: string, unit: Unit) => {
    if (!d) return <td className="num">–</td>;
    const tone = toneOf(metric, d.delta, d.deltaPercent);
    return (
      <td className={`num tone-${tone}`}>
        {show(d.value, unit)}{' '}
        <span className="delta">
          ({d.deltaPercent === null ? showDelta(d.delta, unit) : signed(d.deltaPercent, ' %')})
        </span>
      </td>
    );
  };
  // Its own scrolling box: long labels and two numbers per cell must not widen the page.
  return (
    <div className="scroll-x">
      <table className="grid compare">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th>{keyName}</th>
            <th className="num">Requests</th>
            <th className="num">req/s</th>
            <th className="num">Error rate</th>
            <th className="num">p50</th>
            <th className="num">p95</th>
            <th className="num">p99</th>
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => (
            <tr key={k}>
              <td className="label-cell">{k}</td>
              {cell(rows[k].requests, 'requests', 'count')}
              {cell(rows[k].rps, 'rps', 'rate')}
              {cell(rows[k].errorRate, 'errorRate', 'ratio')}
              {cell(rows[k].p50, 'p50', 'ms')}
              {cell(rows[k].p95, 'p95', 'ms')}
              {cell(rows[k].p99, 'p99', 'ms')}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Both runs' timelines on one chart, from their own starts (x in seconds since start). */
function Overlay({ a, b }: { a: readonly TimelinePoint[]; b: readonly TimelinePoint[] }) {
  const len = Math.max(a.length, b.length);
  const x = Array.from({ length: len }, (_, i) => i);
  const at = (t: readonly TimelinePoint[], pick: (p: TimelinePoint) => number) =>
    x.map((i) => (t[i] ? pick(t[i]) : null));
  const pair = (pick: (p: TimelinePoint) => number): ChartSeries[] => [
    { label: 'this run', color: palette[0], values: at(a, pick) },
    { label: 'compared with', color: palette[4], values: at(b, pick), dashed: true },
  ];
  return (
    <div className="charts">
      <TimeChart title="Requests per second, both runs" relative x={x} unit="/s" series={pair((p) => p.requests)} />
      <TimeChart title="p95, both runs" relative x={x} unit=" ms" series={pair((p) => p.responseTime.p95)} />
      <TimeChart title="Errors per second, both runs" relative x={x} unit="/s" series={pair((p) => p.failures)} />
      <TimeChart title="Virtual users, both runs" relative x={x} whole series={pair((p) => p.vus)} />
    </div>
  );
}

function Picker({
  testId,
  runId,
  other,
  baselineId,
}: {
  testId: string;
  runId: string;
  other: string;
  baselineId: string | null;
}) {
  const runs = useApi((c) => c.listTestRuns(testId, { limit: 100 }), [testId]);
  const choices = (runs.data?.testRuns ?? []).filter((r) => r.testRunId !== runId && r.status === 'complete');
  return (
    <label className="picker">
      Compare with{' '}
      <select
        value={other}
        onChange={(e) =>
          navigate(
            { name: 'compare', testId, runId, ...(e.target.value === baselineId ? {} : { withRun: e.target.value }) },
            true,
          )
        }
      >
        {other === '' && (
          <option value="" disabled>
            choose a run…
          </option>
        )}
        {choices.map((r) => (
          <option key={r.testRunId} value={r.testRunId}>
            {when(r.startTime)}
            {r.testRunId === baselineId ? ' (baseline)' : ''} · p95 {ms(r.percentiles?.p95)}
          </option>
        ))}
      </select>
    </label>
  );
}

export function ComparePage({ testId, runId, withRun }: { testId: string; runId: string; withRun?: string }) {
  const data = useApi(
    async (c) => {
      const test = await c.getScenario(testId, { history: false, latest: false });
      const baselineId = (test.baselineId as string | null) ?? null;
      const other = withRun ?? baselineId;
      if (!other) return { test, baselineId, other: undefined };
      const [cmp, run, base] = await Promise.all([
        c.compare(testId, runId, other),
        c.getTestRun(testId, runId),
        c.getTestRun(testId, other),
      ]);
      return { test, baselineId, other, cmp, run, base };
    },
    [testId, runId, withRun],
  );
  return (
    <Gate {...data}>
      {(d) => (
        <section>
          <div className="page-head">
            <div>
              <p className="crumbs">
                <Link to={{ name: 'tests' }}>Tests</Link> › <Link to={{ name: 'test', testId }}>{d.test.testName}</Link>{' '}
                › <Link to={{ name: 'run', testId, runId }}>Run</Link>
              </p>
              <h1>Compare runs</h1>
            </div>
            {d.other && <Picker testId={testId} runId={runId} other={d.other} baselineId={d.baselineId} />}
          </div>
          {!d.other || !d.cmp ? (
            <>
              <Empty>
                This test has no baseline. Set one in the runs table of the test, or pick a run to compare with.
              </Empty>
              <Picker testId={testId} runId={runId} other="" baselineId={null} />
            </>
          ) : (
            <CompareBody cmp={d.cmp} run={d.run} base={d.base} isBaseline={d.other === d.baselineId} />
          )}
        </section>
      )}
    </Gate>
  );
}

/** The two runs side by side: when, how long, how many users, thresholds. */
function Headline({ run, base }: { run: TestRun; base: TestRun }) {
  const row = (label: string, pick: (r: TestRun) => string) => (
    <tr>
      <th scope="row">{label}</th>
      <td>{pick(run)}</td>
      <td>{pick(base)}</td>
    </tr>
  );
  const thresholds = (r: TestRun) => {
    const all = Object.values(summaryOf(r)?.thresholds ?? {});
    if (all.length === 0) return 'none set';
    const failed = all.filter((o) => !o.ok).length;
    if (failed) return `${failed} of ${all.length} failed`;
    return all.length === 1 ? 'passed' : `all ${all.length} passed`;
  };
  return (
    <table className="grid compact">
      <caption>The two runs</caption>
      <thead>
        <tr>
          <th />
          <th>This run</th>
          <th>Compared with</th>
        </tr>
      </thead>
      <tbody>
        {row('Started', (r) => when(r.startTime))}
        {row('Status', (r) => r.status)}
        {row('Duration', (r) => duration(summaryOf(r)?.durationMs ?? Number.NaN))}
        {row('Max VUs', (r) => num(summaryOf(r)?.vusMax, 0))}
        {row('Thresholds', thresholds)}
      </tbody>
    </table>
  );
}

function CompareBody({
  cmp,
  run,
  base,
  isBaseline,
}: {
  cmp: Comparison;
  run: TestRun;
  base: TestRun;
  isBaseline: boolean;
}) {
  const total = cmp.total as Deltas;
  return (
    <>
      <p className="muted">
        This run ({when(run.startTime)}) against {isBaseline ? 'the baseline' : 'the run'} of {when(base.startTime)}.{' '}
        <span className="tone-better">Green</span> is better, <span className="tone-worse">red</span> worse; changes
        under 1 % read as the same.
      </p>
      <div className="two-col wide-first">
        <DeltaTable caption="All requests" deltas={total} />
        <Headline run={run} base={base} />
      </div>
      <KeyedDeltas caption="Per region" keyName="Region" rows={(cmp.regions ?? {}) as Record<string, Deltas>} />
      <KeyedDeltas caption="Per label" keyName="Label" rows={(cmp.labels ?? {}) as Record<string, Deltas>} />
      <h2>Timelines overlaid</h2>
      <Overlay a={summaryOf(run)?.timeline ?? []} b={summaryOf(base)?.timeline ?? []} />
    </>
  );
}
