/**
 * The tests: name, tags, type, live status, last run, p95 and req/s of the last run with a trend
 * of the last runs; a filter by text and tags, and pages of 20. The list refreshes itself while
 * any test runs.
 */
import type { ScenarioListItem } from '@dlt/client';
import { useMemo, useState } from 'react';
import { canEdit } from '../api/session.ts';
import { Link } from '../components/link.tsx';
import { useSession } from '../components/session-context.tsx';
import { Sparkline } from '../components/sparkline.tsx';
import { Empty, Gate } from '../components/states.tsx';
import { isActive, StatusBadge } from '../components/status-badge.tsx';
import { useApi } from '../components/use-api.ts';
import { ms, num, plural, relative, typeName, when } from '../lib/format.ts';

const pageSize = 20;

function LastRuns({ item }: { item: ScenarioListItem }) {
  const runs = useApi(
    (c) => c.listTestRuns(item.testId, { limit: 10 }),
    [item.testId, item.status, item.totalTestRuns],
  );
  const done = (runs.data?.testRuns ?? []).filter((r) => r.status === 'complete' && r.percentiles);
  const last = done[0];
  const trend = [...done].reverse();
  return (
    <>
      <td className="num">{last ? ms(last.percentiles?.p95) : '–'}</td>
      <td className="num">{last ? num(last.requestsPerSecond, 1) : '–'}</td>
      <td>
        <Sparkline
          values={trend.map((r) => r.percentiles?.p95 ?? Number.NaN)}
          label={`p95 of the last ${trend.length} runs`}
        />
      </td>
    </>
  );
}

function matches(item: ScenarioListItem, text: string, tags: readonly string[]): boolean {
  const t = text.trim().toLowerCase();
  const hay = `${item.testName} ${item.testId} ${item.testDescription} ${(item.tags ?? []).join(' ')}`.toLowerCase();
  return (t === '' || hay.includes(t)) && tags.every((tag) => (item.tags ?? []).includes(tag));
}

function Table({ items, onTag }: { items: readonly ScenarioListItem[]; onTag: (t: string) => void }) {
  return (
    <table className="grid">
      <thead>
        <tr>
          <th className="name-col">Name</th>
          <th>Tags</th>
          <th>Type</th>
          <th>Status</th>
          <th>Last run</th>
          <th>Next run</th>
          <th>Runs</th>
          <th className="num">p95</th>
          <th className="num">req/s</th>
          <th>p95 trend</th>
        </tr>
      </thead>
      <tbody>
        {items.map((item) => (
          <tr key={item.testId}>
            <td>
              <Link to={{ name: 'test', testId: item.testId }}>{item.testName}</Link>
              <div className="muted small">{item.testDescription}</div>
            </td>
            <td>
              {(item.tags ?? []).map((t) => (
                <button type="button" key={t} className="tag" onClick={() => onTag(t)} title={`Only tests tagged ${t}`}>
                  {t}
                </button>
              ))}
            </td>
            <td className="nowrap">{typeName(item.testType)}</td>
            <td>
              <StatusBadge status={item.status} />
            </td>
            <td className="nowrap" title={when(item.startTime)}>
              {relative(item.startTime)}
            </td>
            <td className="nowrap" title={when(item.nextRun)}>
              {relative(item.nextRun)}
            </td>
            <td className="num">{num(item.totalTestRuns ?? 0)}</td>
            <LastRuns item={item} />
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function TestsList() {
  const { session } = useSession();
  const [text, setText] = useState('');
  const [tags, setTags] = useState<string[]>([]);
  const [page, setPage] = useState(0);
  const [active, setActive] = useState(false);
  // Quick while a test runs; slowly otherwise, so scheduled runs show up too.
  const list = useApi((c) => c.listScenarios(), [], { pollMs: active ? 2000 : 15000 });
  const items = list.data?.Items ?? [];
  const anyActive = items.some((i) => isActive(i.status));
  if (anyActive !== active) setActive(anyActive);
  const shown = useMemo(() => items.filter((i) => matches(i, text, tags)), [items, text, tags]);
  const pages = Math.max(1, Math.ceil(shown.length / pageSize));
  const current = Math.min(page, pages - 1);
  const addTag = (t: string) => {
    if (!tags.includes(t)) setTags([...tags, t]);
    setPage(0);
  };
  return (
    <section>
      <div className="page-head">
        <h1>Tests</h1>
        {canEdit(session) && (
          <Link to={{ name: 'new' }} className="button primary">
            New test
          </Link>
        )}
      </div>
      <div className="filters">
        <label htmlFor="filter" className="sr-only">
          Filter
        </label>
        <input
          id="filter"
          type="search"
          placeholder="Filter by name, id, description or tag"
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setPage(0);
          }}
        />
        {tags.map((t) => (
          <button
            type="button"
            key={t}
            className="tag active"
            onClick={() => setTags(tags.filter((x) => x !== t))}
            aria-label={`Remove tag filter ${t}`}
          >
            {t} ×
          </button>
        ))}
      </div>
      <Gate {...list}>
        {() =>
          items.length === 0 ? (
            <Empty>
              No tests yet.{' '}
              {canEdit(session) ? (
                <Link to={{ name: 'new' }}>Create the first one</Link>
              ) : (
                'An editor can create the first one.'
              )}
            </Empty>
          ) : shown.length === 0 ? (
            <Empty>No test matches the filter.</Empty>
          ) : (
            <>
              <Table items={shown.slice(current * pageSize, (current + 1) * pageSize)} onTag={addTag} />
              <nav className="pager" aria-label="Pages">
                <button type="button" disabled={current === 0} onClick={() => setPage(current - 1)}>
                  ‹ Previous
                </button>
                <span>
                  Page {current + 1} of {pages} · {plural(shown.length, 'test')}
                </span>
                <button type="button" disabled={current >= pages - 1} onClick={() => setPage(current + 1)}>
                  Next ›
                </button>
              </nav>
            </>
          )
        }
      </Gate>
    </section>
  );
}
