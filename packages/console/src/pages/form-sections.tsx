/** The sections of the test form: the requests of a simple test, the load model, the regions table and the schedule. */
import type { Region } from '@dlt/client';
import { type ExecutorName, executorOptions, httpMethods, requiredExecutorOptions } from '@dlt/model';
import { Field } from '../components/field.tsx';
import { num } from '../lib/format.ts';
import {
  emptyRequest,
  type LoadMode,
  loadModes,
  type RequestRow,
  type ScenarioForm,
  totalVus,
} from '../lib/scenario-form.ts';
import {
  type Recurrence,
  recurrences,
  type ScheduleForm,
  type ScheduleKind,
  scheduleKinds,
} from '../lib/schedule-form.ts';

export interface SectionProps {
  readonly form: ScenarioForm;
  /** Changes the form; `touched` names the fields the user changed (else the patch's keys), whose errors then show. */
  set(patch: Partial<ScenarioForm>, touched?: readonly string[]): void;
  /** The error to show beside a field now, if any. */
  err(key: string): string | undefined;
}

export function RequestsSection({ form, set, err }: SectionProps) {
  const update = (i: number, patch: Partial<RequestRow>) =>
    set(
      { requests: form.requests.map((r, j) => (j === i ? { ...r, ...patch } : r)) },
      Object.keys(patch).map((k) => `requests.${i}.${k}`),
    );
  return (
    <fieldset>
      <legend>Requests</legend>
      <p className="muted small">Each virtual user sends these in order, again and again.</p>
      {form.requests.map((r, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place, the index is their identity
        <div className="request-row" key={i}>
          <div className="row">
            <Field label="Method" error={err(`requests.${i}.method`)} className="narrow">
              {(id, d) => (
                <select
                  id={id}
                  aria-describedby={d}
                  value={r.method}
                  onChange={(e) => update(i, { method: e.target.value })}
                >
                  {httpMethods.map((m) => (
                    <option key={m}>{m}</option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={`URL of request ${i + 1}`} error={err(`requests.${i}.url`)} className="grow">
              {(id, d) => (
                <input
                  id={id}
                  aria-describedby={d}
                  value={r.url}
                  placeholder="http://127.0.0.1:8000/health"
                  onChange={(e) => update(i, { url: e.target.value })}
                />
              )}
            </Field>
            <Field label="Label" error={err(`requests.${i}.label`)} className="narrow">
              {(id, d) => (
                <input
                  id={id}
                  aria-describedby={d}
                  value={r.label}
                  placeholder="(the URL)"
                  onChange={(e) => update(i, { label: e.target.value })}
                />
              )}
            </Field>
          </div>
          <div className="row">
            <Field
              label="Headers"
              hint="One Name: value per line"
              error={err(`requests.${i}.headers`)}
              className="grow"
            >
              {(id, d) => (
                <textarea
                  className="mono"
                  id={id}
                  aria-describedby={d}
                  rows={2}
                  value={r.headers}
                  onChange={(e) => update(i, { headers: e.target.value })}
                />
              )}
            </Field>
            <Field label="Body" error={err(`requests.${i}.body`)} className="grow">
              {(id, d) => (
                <textarea
                  className="mono"
                  id={id}
                  aria-describedby={d}
                  rows={2}
                  value={r.body}
                  onChange={(e) => update(i, { body: e.target.value })}
                />
              )}
            </Field>
          </div>
          {form.requests.length > 1 && (
            <button
              type="button"
              className="link"
              onClick={() => set({ requests: form.requests.filter((_, j) => j !== i) }, [])}
            >
              Remove request {i + 1}
            </button>
          )}
        </div>
      ))}
      <button type="button" onClick={() => set({ requests: [...form.requests, emptyRequest] }, [])}>
        + Add a request
      </button>
    </fieldset>
  );
}

const modeNames: Record<LoadMode, string> = {
  taurus: 'Users with ramp-up and hold (Taurus)',
  'constant-vus': 'constant-vus: fixed users for a duration',
  'ramping-vus': 'ramping-vus: users follow stages',
  'shared-iterations': 'shared-iterations: users share N iterations',
  'per-vu-iterations': 'per-vu-iterations: N iterations per user',
  'constant-arrival-rate': 'constant-arrival-rate: fixed rate (open model)',
  'ramping-arrival-rate': 'ramping-arrival-rate: rate follows stages (open model)',
};

const optionHints: Record<string, string> = {
  stages: 'duration:target, … e.g. 30s:10, 1m:10, 10s:0',
  duration: 'e.g. 30s, 5m',
  'max-duration': 'e.g. 10m',
  'time-unit': 'e.g. 1s',
  'graceful-ramp-down': 'e.g. 30s',
};

export function LoadSection({ form, set, err }: SectionProps) {
  const l = form.load;
  // Only the field changed counts as touched: picking an executor does not flag its empty options.
  const setLoad = (patch: Partial<ScenarioForm['load']>, field = Object.keys(patch)[0]) =>
    set({ load: { ...l, ...patch } }, [`load.${field}`]);
  return (
    <fieldset>
      <legend>Load model</legend>
      <Field label="Model" error={err('load.mode')}>
        {(id, d) => (
          <select
            id={id}
            aria-describedby={d}
            value={l.mode}
            onChange={(e) => setLoad({ mode: e.target.value as LoadMode })}
          >
            {loadModes.map((m) => (
              <option key={m} value={m}>
                {modeNames[m]}
              </option>
            ))}
          </select>
        )}
      </Field>
      {l.mode === 'taurus' ? (
        <div className="row">
          <Field label="Ramp-up" hint="0s to start at once" error={err('load.rampUp')}>
            {(id, d) => (
              <input
                id={id}
                aria-describedby={d}
                value={l.rampUp}
                onChange={(e) => setLoad({ rampUp: e.target.value })}
              />
            )}
          </Field>
          <Field label="Hold for" hint="e.g. 30s, 5m" error={err('load.holdFor')}>
            {(id, d) => (
              <input
                id={id}
                aria-describedby={d}
                value={l.holdFor}
                onChange={(e) => setLoad({ holdFor: e.target.value })}
              />
            )}
          </Field>
          <Field
            label="Requests per second"
            hint="Per task: a region with 3 tasks sends 3 × this. Empty: as fast as the users go"
            error={err('load.throughput')}
          >
            {(id, d) => (
              <input
                id={id}
                aria-describedby={d}
                inputMode="decimal"
                value={l.throughput}
                onChange={(e) => setLoad({ throughput: e.target.value })}
              />
            )}
          </Field>
          <Field
            label={form.testType === 'simple' ? 'Iterations per user' : 'Iterations'}
            hint={
              form.testType === 'simple'
                ? 'Empty: until the time is up'
                : "Shared by each task's users; they replace the script's own loop count"
            }
            error={err('load.iterations')}
          >
            {(id, d) => (
              <input
                id={id}
                aria-describedby={d}
                inputMode="numeric"
                value={l.iterations}
                onChange={(e) => setLoad({ iterations: e.target.value })}
              />
            )}
          </Field>
        </div>
      ) : (
        <div className="row wrap">
          {executorOptions[l.mode as ExecutorName].map((o) => (
            <Field
              key={o}
              label={`${o}${(requiredExecutorOptions[l.mode as ExecutorName] as readonly string[]).includes(o) ? ' *' : ''}`}
              hint={optionHints[o] ?? 'empty: k6 default'}
              error={err(`load.options.${o}`)}
              className={o === 'stages' ? 'grow' : undefined}
            >
              {(id, d) => (
                <input
                  id={id}
                  aria-describedby={d}
                  value={l.options[o] ?? ''}
                  onChange={(e) => setLoad({ options: { ...l.options, [o]: e.target.value } }, `options.${o}`)}
                />
              )}
            </Field>
          ))}
        </div>
      )}
    </fieldset>
  );
}

export function RegionsSection({ form, set, err, regions }: SectionProps & { regions: readonly Region[] | undefined }) {
  const update = (i: number, patch: Partial<ScenarioForm['regions'][number]>) =>
    set(
      { regions: form.regions.map((r, j) => (j === i ? { ...r, ...patch } : r)) },
      Object.keys(patch).map((k) => `regions.${i}.${k}`),
    );
  const unused = (regions ?? []).filter((r) => !form.regions.some((x) => x.region === r.region));
  return (
    <fieldset>
      <legend>Regions</legend>
      {err('regions') && (
        <p className="error-text" role="alert">
          {err('regions')}
        </p>
      )}
      <table className="grid compact">
        <thead>
          <tr>
            <th>Region</th>
            <th>Tasks</th>
            <th>Users per task</th>
            <th>Free slots</th>
            <th>
              <span className="sr-only">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {form.regions.map((r, i) => {
            const known = regions?.find((x) => x.region === r.region);
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place, the index is their identity
              <tr key={i}>
                <td>
                  <Field label={`Region ${i + 1}`} error={err(`regions.${i}.region`)} className="bare">
                    {(id, d) => (
                      <select
                        id={id}
                        aria-describedby={d}
                        value={r.region}
                        onChange={(e) => update(i, { region: e.target.value })}
                      >
                        {!known && <option value={r.region}>{r.region || 'choose…'}</option>}
                        {(regions ?? []).map((x) => (
                          <option key={x.region} value={x.region}>
                            {x.region}
                          </option>
                        ))}
                      </select>
                    )}
                  </Field>
                </td>
                <td>
                  <Field label="Tasks" error={err(`regions.${i}.taskCount`)} className="bare">
                    {(id, d) => (
                      <input
                        id={id}
                        aria-describedby={d}
                        inputMode="numeric"
                        value={r.taskCount}
                        onChange={(e) => update(i, { taskCount: e.target.value })}
                      />
                    )}
                  </Field>
                </td>
                <td>
                  <Field label="Users per task" error={err(`regions.${i}.concurrency`)} className="bare">
                    {(id, d) => (
                      <input
                        id={id}
                        aria-describedby={d}
                        inputMode="numeric"
                        value={r.concurrency}
                        onChange={(e) => update(i, { concurrency: e.target.value })}
                      />
                    )}
                  </Field>
                </td>
                <td>
                  {known
                    ? typeof known.launcher === 'string'
                      ? `${known.launcher} launcher (up to ${num(known.maxTasks)} tasks)`
                      : `${num(known.freeSlots)} of ${num(known.slots)} free`
                    : '–'}
                </td>
                <td>
                  {form.regions.length > 1 && (
                    <button
                      type="button"
                      className="link"
                      onClick={() => set({ regions: form.regions.filter((_, j) => j !== i) })}
                    >
                      Remove
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {unused.length > 0 && (
        <button
          type="button"
          onClick={() =>
            set({ regions: [...form.regions, { region: unused[0].region, taskCount: '1', concurrency: '10' }] })
          }
        >
          + Add a region
        </button>
      )}
      {form.load.mode === 'taurus' ? (
        <p className="muted small">
          {num(totalVus(form.regions))} virtual users in all: every task runs the load model with its own users.
        </p>
      ) : (
        <p className="muted small">
          The executor describes the whole test: its users, iterations and rates are split across all the tasks, so
          “Users per task” does not apply.
        </p>
      )}
    </fieldset>
  );
}

const kindNames: Record<ScheduleKind, string> = {
  none: 'No new schedule (run now or just save)',
  once: 'Once, at a date and time',
  cron: 'By a cron expression',
  recurrence: 'Repeat daily, weekly, every two weeks or monthly',
};

/** When the test runs by itself; the server refuses times in the past. */
export function ScheduleSection({ form, set, err, current }: SectionProps & { current?: string }) {
  const s = form.schedule;
  // Choosing when does not flag the empty date and time as wrong before they are filled.
  const setSchedule = (patch: Partial<ScheduleForm>) =>
    set(
      { schedule: { ...s, ...patch } },
      Object.keys(patch).map((k) => `schedule.${k}`),
    );
  const input = (key: keyof ScheduleForm, label: string, type: string, hint?: string, className?: string) => (
    <Field label={label} hint={hint} error={err(`schedule.${key}`)} className={className}>
      {(id, d) => (
        <input
          id={id}
          aria-describedby={d}
          type={type}
          value={s[key]}
          onChange={(e) => setSchedule({ [key]: e.target.value })}
        />
      )}
    </Field>
  );
  return (
    <fieldset>
      <legend>Schedule</legend>
      {current && <p className="muted small">Now: {current}. A new schedule replaces it; the test page removes it.</p>}
      {err('schedule') && (
        <p className="error-text" role="alert">
          {err('schedule')}
        </p>
      )}
      <Field label="When" error={err('schedule.kind')}>
        {(id, d) => (
          <select
            id={id}
            aria-describedby={d}
            value={s.kind}
            onChange={(e) => setSchedule({ kind: e.target.value as ScheduleKind })}
          >
            {scheduleKinds.map((k) => (
              <option key={k} value={k}>
                {kindNames[k]}
              </option>
            ))}
          </select>
        )}
      </Field>
      {s.kind !== 'none' && (
        <div className="row wrap">
          {s.kind === 'recurrence' && (
            <Field label="Repeat" error={err('schedule.recurrence')}>
              {(id, d) => (
                <select
                  id={id}
                  aria-describedby={d}
                  value={s.recurrence}
                  onChange={(e) => setSchedule({ recurrence: e.target.value as Recurrence })}
                >
                  {recurrences.map((r) => (
                    <option key={r}>{r}</option>
                  ))}
                </select>
              )}
            </Field>
          )}
          {s.kind !== 'cron' && input('date', s.kind === 'once' ? 'Date' : 'First date', 'date')}
          {s.kind !== 'cron' && input('time', 'Time', 'time')}
          {s.kind === 'cron' &&
            input('cron', 'Cron', 'text', 'minute hour day month weekday, e.g. 0 3 * * 1-5', 'grow')}
          {s.kind === 'cron' && input('expiry', 'Until (optional)', 'date')}
          {input('timezone', 'Time zone', 'text', 'IANA name, e.g. Europe/Berlin')}
        </div>
      )}
    </fieldset>
  );
}
