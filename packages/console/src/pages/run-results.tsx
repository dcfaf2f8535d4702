/**
 * The results of an ended run: headline numbers, thresholds, the stored per-second timeline
 * (merged and per region), the percentile distribution, per label / region / status code /
 * error kind, the tasks' start spread, and downloads (JSON summary, CSV, each task's raw result).
 */
import type { TestRun } from '@dlt/client';
import type { LabelSummary, RunSummary, SnapshotTimes, TimeStats } from '@dlt/model';
import { useState } from 'react';
import { useSession } from '../components/session-context.tsx';
import { Empty, ErrorNote } from '../components/states.tsx';
import { type ChartSeries, palette, regionColor, TimeChart } from '../components/time-chart.tsx';
import { toCsv } from '../lib/csv.ts';
import { download } from '../lib/download.ts';
import { bytes, duration, ms, num, percent, thresholdValue } from '../lib/format.ts';
import { Stat } from './run-page.tsx';

/** A second of the stored timeline (the server's `summary.timeline`). */
export interface TimelinePoint {
  readonly at: number;
  readonly requests: number;
  readonly failures: number;
  readonly bytesReceived: number;
  readonly vus: number;
  readonly responseTime: SnapshotTimes;
  readonly regions: Readonly<
    Record<string, { requests: number; failures: number; vus: number; responseTime: SnapshotTimes }>
  >;
}

/** The run summary as the server stores it: dlt's summary, per region, and the timeline. */
export type StoredSummary = RunSummary & {
  readonly regions?: Readonly<Record<string, RunSummary>>;
  readonly timeline?: readonly TimelinePoint[];
  readonly startSpreadMs?: number;
};

export const summaryOf = (run: TestRun) => run.summary as StoredSummary | undefined;

/** Timeline charts; `regions` adds one line per region to the rate and p95 charts. */
export function TimelineCharts({ timeline }: { timeline: readonly TimelinePoint[] }) {
  const x = timeline.map((p) => p.at / 1000);
  const regions = [...new Set(timeline.flatMap((p) => Object.keys(p.regions)))].sort();
  const split = regions.length > 1;
  const line = (label: string, color: string, values: (number | null)[]): ChartSeries => ({ label, color, values });
  const byRegion = (pick: (r: TimelinePoint['regions'][string]) => number) =>
    split
      ? regions.map((r, i) =>
          line(
            r,
            regionColor(i),
            timeline.map((p) => (p.regions[r] ? pick(p.regions[r]) : null)),
          ),
        )
      : [];
  return (
    <div className="charts">
      <TimeChart
        title="Requests per second"
        x={x}
        unit="/s"
        series={[
          line(
            'all',
            palette[0],
            timeline.map((p) => p.requests),
          ),
          ...byRegion((r) => r.requests),
        ]}
      />
      <TimeChart
        title="Response time"
        x={x}
        unit=" ms"
        series={[
          line(
            'p50',
            palette[2],
            timeline.map((p) => p.responseTime.p50),
          ),
          line(
            'p95',
            palette[4],
            timeline.map((p) => p.responseTime.p95),
          ),
          line(
            'p99',
            palette[1],
            timeline.map((p) => p.responseTime.p99),
          ),
          ...byRegion((r) => r.responseTime.p95).map((s) => ({ ...s, label: `p95 ${s.label}`, dashed: true })),
        ]}
      />
      <TimeChart
        title="Errors per second"
        x={x}
        unit="/s"
        series={[
          line(
            'errors/s',
            palette[1],
            timeline.map((p) => p.failures),
          ),
          ...byRegion((r) => r.failures),
        ]}
      />
      <TimeChart
        title="Active virtual users"
        x={x}
        whole
        series={[
          line(
            'VUs',
            palette[3],
            timeline.map((p) => p.vus),
          ),
          ...byRegion((r) => r.vus),
        ]}
      />
    </div>
  );
}

const distribution: [keyof TimeStats, string][] = [
  ['min', 'min'],
  ['p50', 'p50'],
  ['p90', 'p90'],
  ['p95', 'p95'],
  ['p99', 'p99'],
  ['p99.9', 'p99.9'],
  ['max', 'max'],
];

/** Response-time percentiles as bars on one scale (the longest is the max). */
export function Distribution({ stats }: { stats: TimeStats }) {
  const top = stats.max || 1;
  return (
    <figure className="distribution">
      <figcaption>Response time distribution</figcaption>
      <table className="bars">
        <tbody>
          {distribution.map(([k, label]) => (
            <tr key={k}>
              <th scope="row">{label}</th>
              <td className="bar-cell">
                <span className="bar" style={{ width: `${Math.max(0.5, (stats[k] / top) * 100)}%` }} />
              </td>
              <td className="num">{ms(stats[k])}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">
        mean {ms(stats.mean)} · stdev {ms(stats.stdev)}
      </p>
    </figure>
  );
}

/** Per label or per region: the headline numbers of each. */
export function BreakdownTable({
  caption,
  rows,
  keyName,
}: {
  caption: string;
  keyName: string;
  rows: readonly [string, LabelSummary][];
}) {
  if (rows.length === 0) return null;
  return (
    <div className="scroll-x">
      <table className="grid">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th>{keyName}</th>
            <th className="num">Requests</th>
            <th className="num">Failures</th>
            <th className="num">req/s</th>
            <th className="num">Mean</th>
            <th className="num">p50</th>
            <th className="num">p95</th>
            <th className="num">p99</th>
            <th className="num">Max</th>
            <th className="num">Received</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([name, l]) => (
            <tr key={name}>
              <td className="label-cell">{name}</td>
              <td className="num">{num(l.requests, 0)}</td>
              <td className={`num ${l.failures > 0 ? 'bad-text' : ''}`}>{num(l.failures, 0)}</td>
              <td className="num">{num(l.rps, 1)}</td>
              <td className="num">{ms(l.responseTime.mean)}</td>
              <td className="num">{ms(l.responseTime.p50)}</td>
              <td className="num">{ms(l.responseTime.p95)}</td>
              <td className="num">{ms(l.responseTime.p99)}</td>
              <td className="num">{ms(l.responseTime.max)}</td>
              <td className="num">{bytes(l.bytesReceived)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Counts({
  caption,
  keyName,
  counts,
}: {
  caption: string;
  keyName: string;
  counts: Readonly<Record<string, number>>;
}) {
  const rows = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  if (rows.length === 0) return null;
  return (
    <table className="grid compact">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th>{keyName}</th>
          <th className="num">Count</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([k, n]) => (
          <tr key={k}>
            <td>{k === '0' ? '0 (no response)' : k}</td>
            <td className="num">{num(n, 0)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Thresholds({ s }: { s: StoredSummary }) {
  const rows = Object.entries(s.thresholds ?? {});
  if (rows.length === 0) return <p className="muted">No thresholds were set for this test.</p>;
  return (
    <table className="grid compact thresholds">
      <caption>Thresholds</caption>
      <thead>
        <tr>
          <th>Threshold</th>
          <th className="num">Observed</th>
          <th>Result</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([k, o]) => (
          <tr key={k}>
            <td>
              <code>{k}</code>
            </td>
            <td className="num">{thresholdValue(k, o.actual)}</td>
            <td>
              <span className={`badge ${o.ok ? 'ok' : 'bad'}`}>{o.ok ? 'passed' : 'failed'}</span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function timelineCsv(timeline: readonly TimelinePoint[]): string {
  const head = ['time', 'requests', 'failures', 'bytesReceived', 'vus', 'p50', 'p90', 'p95', 'p99', 'max'];
  return toCsv([
    head,
    ...timeline.map((p) => [
      new Date(p.at).toISOString(),
      p.requests,
      p.failures,
      p.bytesReceived,
      p.vus,
      p.responseTime.p50,
      p.responseTime.p90,
      p.responseTime.p95,
      p.responseTime.p99,
      p.responseTime.max,
    ]),
  ]);
}

function labelsCsv(s: StoredSummary): string {
  const head = [
    'label',
    'requests',
    'failures',
    'rps',
    'mean',
    'p50',
    'p90',
    'p95',
    'p99',
    'p99.9',
    'max',
    'bytesReceived',
  ];
  const rows = [['(all)', s.totals] as const, ...Object.entries(s.labels)].map(([name, l]) => [
    name,
    l.requests,
    l.failures,
    l.rps,
    l.responseTime.mean,
    l.responseTime.p50,
    l.responseTime.p90,
    l.responseTime.p95,
    l.responseTime.p99,
    l.responseTime['p99.9'],
    l.responseTime.max,
    l.bytesReceived,
  ]);
  return toCsv([head, ...rows]);
}

function Downloads({ run, s, testId }: { run: TestRun; s: StoredSummary; testId: string }) {
  const { client } = useSession();
  const [error, setError] = useState<unknown>();
  const id = run.testRunId;
  const tasks = (Array.isArray(run.tasks) ? run.tasks : []) as {
    taskId: string;
    region: string;
    resultStored?: boolean;
  }[];
  const report = async (format: 'html' | 'csv', name: string, type: string) => {
    setError(undefined);
    try {
      download(name, await client.downloadReport(id, format), type);
    } catch (e) {
      setError(e);
    }
  };
  const raw = async (taskId: string) => {
    setError(undefined);
    try {
      download(`${id}-${taskId}.json`, await client.downloadTaskResult(testId, id, taskId), 'application/json');
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section>
      <h2>Downloads</h2>
      <div className="actions wrap">
        <button type="button" onClick={() => void report('html', `${id}-report.html`, 'text/html')}>
          Report (HTML)
        </button>
        <button type="button" onClick={() => void report('csv', `${id}-report.csv`, 'text/csv')}>
          Report (CSV)
        </button>
        <button
          type="button"
          onClick={() => download(`${id}-summary.json`, JSON.stringify(run, null, 2), 'application/json')}
        >
          Summary (JSON)
        </button>
        <button type="button" onClick={() => download(`${id}-labels.csv`, labelsCsv(s))}>
          Per label (CSV)
        </button>
        {s.timeline && s.timeline.length > 0 && (
          <button type="button" onClick={() => download(`${id}-timeline.csv`, timelineCsv(s.timeline ?? []))}>
            Timeline (CSV)
          </button>
        )}
        {tasks
          .filter((t) => t.resultStored)
          .map((t) => (
            <button
              key={t.taskId}
              type="button"
              onClick={() => void raw(t.taskId)}
              title="The task's raw result with its encoded histograms"
            >
              Raw result {t.region} · {t.taskId.slice(-6)}
            </button>
          ))}
      </div>
      {error ? <ErrorNote error={error} title="The download failed" /> : null}
    </section>
  );
}

export function RunResults({ run, testId }: { run: TestRun; testId: string }) {
  const s = summaryOf(run);
  if (!s)
    return (
      <Empty>
        {run.status === 'complete'
          ? 'This run has no results.'
          : `This run ${run.status === 'failed' ? 'failed' : `was ${run.status}`} before any result was stored.`}
      </Empty>
    );
  const t = s.totals;
  const thresholds = Object.values(s.thresholds ?? {});
  const failedThresholds = thresholds.filter((o) => !o.ok).length;
  const spread = typeof run.startSpreadMs === 'number' ? run.startSpreadMs : s.startSpreadMs;
  return (
    <div className="results">
      <div className="stats">
        <Stat label="Requests" value={num(t.requests, 0)} />
        <Stat
          label="Success"
          value={percent(t.requests ? (t.requests - t.failures) / t.requests : undefined)}
          tone={t.failures > 0 ? 'bad' : 'good'}
        />
        <Stat label="req/s" value={num(t.rps, 1)} />
        <Stat label="Mean" value={ms(t.responseTime.mean)} />
        <Stat label="p95" value={ms(t.responseTime.p95)} />
        <Stat label="p99" value={ms(t.responseTime.p99)} />
        <Stat label="Duration" value={duration(s.durationMs)} />
        <Stat label="Max VUs" value={num(s.vusMax, 0)} />
        {thresholds.length > 0 && (
          <Stat
            label="Thresholds"
            value={failedThresholds ? `${failedThresholds} failed` : 'all passed'}
            tone={failedThresholds ? 'bad' : 'good'}
          />
        )}
        <Stat
          label="Start spread"
          value={spread === undefined ? '–' : ms(spread)}
          title="How far apart the tasks really started: the latest start minus the earliest"
        />
      </div>
      {(s.warnings ?? []).map((w) => (
        <p key={w} className="state notice">
          {w}
        </p>
      ))}
      {s.timeline && s.timeline.length > 0 ? (
        <TimelineCharts timeline={s.timeline} />
      ) : (
        <Empty>No timeline was stored for this run.</Empty>
      )}
      <div className="two-col">
        <Distribution stats={t.responseTime} />
        <Thresholds s={s} />
      </div>
      <BreakdownTable
        caption="Per label"
        keyName="Label"
        rows={Object.entries(s.labels).sort(([a], [b]) => a.localeCompare(b))}
      />
      <BreakdownTable
        caption="Per region"
        keyName="Region"
        rows={Object.entries(s.regions ?? {}).map(([r, rs]) => [r, rs.totals] as [string, LabelSummary])}
      />
      <div className="two-col">
        <Counts caption="Status codes" keyName="Status" counts={t.statusCodes} />
        <Counts caption="Errors" keyName="Kind" counts={t.errors} />
      </div>
      <Downloads run={run} s={s} testId={testId} />
    </div>
  );
}
