/**
 * The runs of a test, newest first, in pages of 20: the headline numbers of each, the baseline
 * marked (and protected from deletion), several selected for deletion at once, any one set as
 * the baseline or compared, and the loaded rows exported as CSV.
 */
import type { TestRunSummary } from '@dlt/client';
import { useState } from 'react';
import { useConfirm } from '../components/confirm.tsx';
import { Link } from '../components/link.tsx';
import { useSession } from '../components/session-context.tsx';
import { Empty, ErrorNote, Gate } from '../components/states.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { useApi } from '../components/use-api.ts';
import { toCsv } from '../lib/csv.ts';
import { download } from '../lib/download.ts';
import { ms, num, plural, when } from '../lib/format.ts';

const successOf = (r: TestRunSummary) => (r.requests ? ((r.success ?? 0) / r.requests) * 100 : undefined);

function csvOf(runs: readonly TestRunSummary[], baselineId: string | null): string {
  const head = [
    'testRunId',
    'baseline',
    'status',
    'startTime',
    'endTime',
    'requests',
    'success',
    'errors',
    'successPercent',
    'requestsPerSecond',
    'avgResponseTime',
    'p50',
    'p90',
    'p95',
    'p99',
    'p100',
  ];
  const rows = runs.map((r) => [
    r.testRunId,
    r.testRunId === baselineId ? 'yes' : '',
    r.status,
    r.startTime,
    r.endTime,
    r.requests,
    r.success,
    r.errors,
    successOf(r)?.toFixed(2),
    r.requestsPerSecond,
    r.avgResponseTime,
    r.percentiles?.p50,
    r.percentiles?.p90,
    r.percentiles?.p95,
    r.percentiles?.p99,
    r.percentiles?.p100,
  ]);
  return toCsv([head, ...rows]);
}

export function RunsTable({
  testId,
  baselineId,
  editor,
  version,
  onChange,
}: {
  testId: string;
  baselineId: string | null;
  editor: boolean;
  version: string;
  onChange: () => void;
}) {
  const { client } = useSession();
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<unknown>();
  const [dialog, ask] = useConfirm();
  const cursor = cursors.at(-1);
  const page = useApi((c) => c.listTestRuns(testId, { limit: 20, nextToken: cursor }), [testId, cursor, version]);
  const act = async (what: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await what();
      setSelected(new Set());
      page.reload();
      onChange();
    } catch (e) {
      setError(e);
    }
  };
  const remove = async () => {
    if (await ask(`Delete ${selected.size} run(s) with their results? This cannot be undone.`, 'Delete runs')) {
      await act(() => client.deleteTestRuns(testId, [...selected]));
    }
  };
  const toggle = (id: string) =>
    setSelected((s) => (s.has(id) ? new Set([...s].filter((x) => x !== id)) : new Set([...s, id])));
  return (
    <section className="runs">
      {dialog}
      <div className="section-head">
        <h2>Runs</h2>
        <div className="actions">
          {editor && (
            <button type="button" className="danger" disabled={selected.size === 0} onClick={() => void remove()}>
              Delete selected ({selected.size})
            </button>
          )}
          <button
            type="button"
            disabled={!page.data?.testRuns.length}
            onClick={() => download(`${testId}-runs.csv`, csvOf(page.data?.testRuns ?? [], baselineId))}
          >
            Export CSV
          </button>
        </div>
      </div>
      {error ? <ErrorNote error={error} /> : null}
      <Gate {...page}>
        {(p) =>
          p.testRuns.length === 0 ? (
            <Empty>No runs yet.</Empty>
          ) : (
            <>
              <div className="scroll-x">
                <table className="grid">
                  <thead>
                    <tr>
                      {editor && (
                        <th>
                          <span className="sr-only">Select</span>
                        </th>
                      )}
                      <th>Started</th>
                      <th>Status</th>
                      <th className="num">Requests</th>
                      <th className="num">Success</th>
                      <th className="num">req/s</th>
                      <th className="num">Mean</th>
                      <th className="num">p50</th>
                      <th className="num">p95</th>
                      <th className="num">p99</th>
                      <th className="num">Max</th>
                      <th>Baseline</th>
                    </tr>
                  </thead>
                  <tbody>
                    {p.testRuns.map((r) => {
                      const isBase = r.testRunId === baselineId;
                      return (
                        <tr key={r.testRunId} className={isBase ? 'baseline' : undefined}>
                          {editor && (
                            <td>
                              <input
                                type="checkbox"
                                aria-label={`Select run ${r.testRunId}`}
                                checked={selected.has(r.testRunId)}
                                disabled={isBase}
                                title={
                                  isBase ? 'The baseline cannot be deleted; set another baseline first' : undefined
                                }
                                onChange={() => toggle(r.testRunId)}
                              />
                            </td>
                          )}
                          <td>
                            <Link to={{ name: 'run', testId, runId: r.testRunId }}>{when(r.startTime)}</Link>
                          </td>
                          <td>
                            <StatusBadge status={r.status} />
                          </td>
                          <td className="num">{num(r.requests)}</td>
                          <td className="num">{successOf(r) === undefined ? '–' : `${num(successOf(r))} %`}</td>
                          <td className="num">{num(r.requestsPerSecond, 1)}</td>
                          <td className="num">{ms(r.avgResponseTime)}</td>
                          <td className="num">{ms(r.percentiles?.p50)}</td>
                          <td className="num">{ms(r.percentiles?.p95)}</td>
                          <td className="num">{ms(r.percentiles?.p99)}</td>
                          <td className="num">{ms(r.percentiles?.p100)}</td>
                          <td>
                            {isBase ? (
                              <span className="baseline-mark" title="The baseline other runs are compared with">
                                ★ baseline
                              </span>
                            ) : r.status === 'complete' ? (
                              <span className="row-actions">
                                {editor && (
                                  <button
                                    type="button"
                                    className="link"
                                    onClick={() => void act(() => client.putBaseline(testId, r.testRunId))}
                                  >
                                    Set baseline
                                  </button>
                                )}
                                {baselineId && (
                                  <Link to={{ name: 'compare', testId, runId: r.testRunId }}>Compare</Link>
                                )}
                              </span>
                            ) : null}
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
              <nav className="pager" aria-label="Run pages">
                <button type="button" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
                  ‹ Newer
                </button>
                <span>{plural(p.pagination.total_count ?? p.testRuns.length, 'run')}</span>
                <button
                  type="button"
                  disabled={!p.pagination.next_token}
                  onClick={() => setCursors([...cursors, p.pagination.next_token ?? undefined])}
                >
                  Older ›
                </button>
              </nav>
            </>
          )
        }
      </Gate>
    </section>
  );
}
