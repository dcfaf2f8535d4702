/**
 * Create, edit or copy a test on one page. Every field is checked as the user types (after the
 * field was touched, or for all once Save was pressed); when the server refuses, its message
 * is shown beside the field it names. Script tests are saved, then their file uploaded with a
 * progress bar, then run.
 */
import { ApiError, type Region, type Scenario, type TestType } from '@dlt/client';
import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { clientFor } from '../api/session.ts';
import { Field } from '../components/field.tsx';
import { Link } from '../components/link.tsx';
import { useSession } from '../components/session-context.tsx';
import { ErrorNote, Loading } from '../components/states.tsx';
import { messageOf, useApi } from '../components/use-api.ts';
import { bytes } from '../lib/format.ts';
import {
  emptyForm,
  formFromScenario,
  formLeavesOut,
  type ScenarioForm,
  scriptExtension,
  toScenarioInput,
} from '../lib/scenario-form.ts';
import { describeSchedule } from '../lib/schedule-form.ts';
import { type FieldErrors, fieldErrors, fileProblem, validateForm } from '../lib/validate-form.ts';
import { navigate } from '../router.ts';
import { LoadSection, RegionsSection, RequestsSection, ScheduleSection } from './form-sections.tsx';

const types: [TestType, string][] = [
  ['simple', 'Simple HTTP'],
  ['jmeter', 'JMeter (.jmx or zip)'],
  ['k6', 'k6 JavaScript (.js or zip)'],
  ['locust', 'Locust (.py or zip)'],
];

/** A refused upload, kept apart from a refused test. */
class UploadError extends Error {
  constructor(cause: unknown) {
    super('upload refused', { cause });
  }
}

/** The server's words about a refused file: each problem, with the zip entry it names. */
function uploadMessage(e: unknown): string {
  if (!ApiError.is(e) || e.problems.length === 0) return messageOf(e);
  return (e.problems as { field?: string; message: string }[])
    .map((p) => (p.field && !['file', 'name'].includes(p.field) ? `${p.field}: ${p.message}` : p.message))
    .join('; ');
}

interface Props {
  readonly mode: 'new' | 'edit' | 'copy';
  readonly testId?: string;
}

export function TestForm({ mode, testId }: Props) {
  const regions = useApi((c) => c.listRegions(), []);
  const stored = useApi(
    (c) => (testId ? c.getScenario(testId, { history: false, latest: false }) : Promise.resolve(undefined)),
    [testId],
  );
  if (stored.error) return <ErrorNote error={stored.error} title="Could not load the test" />;
  if (testId && !stored.data) return <Loading what="Loading the test" />;
  return <FormBody mode={mode} stored={stored.data} regions={regions.data?.regions} regionsError={regions.error} />;
}

function FormBody({
  mode,
  stored,
  regions,
  regionsError,
}: {
  mode: Props['mode'];
  stored?: Scenario;
  regions?: Region[];
  regionsError: unknown;
}) {
  const { session } = useSession();
  const [form, setForm] = useState<ScenarioForm>(() =>
    stored && mode !== 'new' ? formFromScenario(stored, mode) : emptyForm(),
  );
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [server, setServer] = useState<FieldErrors>({});
  const [file, setFile] = useState<File | undefined>();
  const [progress, setProgress] = useState<number | undefined>();
  const [busy, setBusy] = useState<'save' | 'run' | undefined>();
  const local = useMemo(() => validateForm(form, regions), [form, regions]);
  const fileError = fileProblem(form, file);
  // Start from the first region the server has, when the default one does not exist here.
  useEffect(() => {
    if (mode === 'new' && regions && regions.length > 0 && !regions.some((r) => r.region === form.regions[0]?.region)) {
      setForm((f) => ({ ...f, regions: [{ ...f.regions[0], region: regions[0].region }] }));
    }
  }, [regions, mode, form.regions]);

  const set = (patch: Partial<ScenarioForm>, changed?: readonly string[]) => {
    setForm((f) => ({ ...f, ...patch }));
    const keys = changed ?? Object.keys(patch);
    setTouched((t) => new Set([...t, ...keys]));
    // A server message stays until its field changes.
    setServer((s) =>
      Object.fromEntries(Object.entries(s).filter(([k]) => !keys.some((p) => k === p || k.startsWith(`${p}.`)))),
    );
  };
  // An error shows on a field once it (or a field inside it, for a section's own message) was changed.
  const shown = (key: string) =>
    submitted || [...touched].some((t) => key === t || key.startsWith(`${t}.`) || t.startsWith(`${key}.`));
  const err = (key: string) => server[key] ?? (shown(key) ? local[key] : undefined);

  const save = async (run: boolean) => {
    setSubmitted(true);
    setServer({});
    if (Object.keys(local).length > 0 || fileError) {
      setTimeout(
        () => document.querySelector<HTMLElement>('.has-error input, .has-error select, .has-error textarea')?.focus(),
        0,
      );
      return;
    }
    setBusy(run ? 'run' : 'save');
    try {
      const saved = await submit(run);
      navigate(
        run && saved.testRunId
          ? { name: 'run', testId: saved.testId, runId: saved.testRunId }
          : { name: 'test', testId: saved.testId },
      );
    } catch (e) {
      if (e instanceof UploadError) setServer({ file: uploadMessage(e.cause) });
      else
        setServer(ApiError.is(e) && e.problems.length > 0 ? fieldErrors(e.problems as never) : { form: messageOf(e) });
      setProgress(undefined);
    } finally {
      setBusy(undefined);
    }
  };

  const submit = async (run: boolean): Promise<Scenario> => {
    const client = clientFor(session.token);
    if (form.testType === 'simple') return client.createScenario(toScenarioInput(form, !run));
    // A script test: save it, upload the file, then run it (the server needs the file first).
    // A copy without a new file takes the original's script along (read from the server).
    const copied =
      !file && mode === 'copy' && stored && typeof stored.scriptName === 'string'
        ? { name: stored.scriptName, bytes: await client.downloadScript(stored.testId) }
        : undefined;
    const upload = file ? { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) } : copied;
    const named = upload ? { ...form, scriptName: upload.name } : form;
    // The upload needs the test's id: a new test is saved first, and removed again when the
    // server refuses its file, so a refused upload leaves nothing behind.
    let testId = form.testId;
    const isNew = testId === undefined;
    if (upload && testId === undefined)
      testId = (await client.createScenario(toScenarioInput(named, true, false))).testId;
    if (upload && testId !== undefined) {
      setProgress(0);
      const uploader = clientFor(session.token, (sent, total) => setProgress(total > 0 ? sent / total : 0));
      try {
        await uploader.uploadScript(testId, upload.name, upload.bytes);
      } catch (e) {
        if (isNew) await client.deleteScenario(testId).catch(() => {});
        // Whatever the server says about an upload belongs beside the file field.
        throw new UploadError(e);
      }
      setProgress(1);
    }
    return client.createScenario(toScenarioInput(testId === undefined ? named : { ...named, testId }, !run));
  };

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void save(false);
  };
  const leftOut = useMemo(() => (stored ? formLeavesOut(stored.testScenario, stored.testType) : []), [stored]);
  // With a schedule the server schedules the test instead of running it; saving is scheduling.
  const scheduling = form.schedule.kind !== 'none';
  const title =
    mode === 'new'
      ? 'New test'
      : mode === 'copy'
        ? `Copy of ${stored?.testName ?? 'a test'}`
        : `Edit ${stored?.testName ?? ''}`;
  return (
    <form className="test-form" onSubmit={onSubmit} noValidate>
      <div className="page-head">
        <h1>{title}</h1>
        {stored && (
          <Link to={{ name: 'test', testId: stored.testId }} className="button">
            Back to the test
          </Link>
        )}
      </div>
      {leftOut.length > 0 && (
        <div className="state notice" role="status">
          <strong>This test holds more than the form shows:</strong> {leftOut.join('; ')}. Saving here drops them;
          change such a test through its file or the API instead.
        </div>
      )}
      {server.form && <ErrorNote error={new Error(server.form)} title="The server refused the test" />}
      {regionsError ? <ErrorNote error={regionsError} title="Could not load the regions" /> : null}
      <fieldset>
        <legend>Test</legend>
        <div className="row">
          <Field label="Name" hint="Required, 3 characters or more" error={err('testName')} className="grow">
            {(id, d) => (
              <input
                id={id}
                aria-describedby={d}
                value={form.testName}
                onChange={(e) => set({ testName: e.target.value })}
              />
            )}
          </Field>
          <Field label="Type" error={err('testType')} className="wide">
            {(id, d) => (
              <select
                id={id}
                aria-describedby={d}
                value={form.testType}
                disabled={mode === 'edit'}
                onChange={(e) => set({ testType: e.target.value as TestType })}
              >
                {types.map(([t, label]) => (
                  <option key={t} value={t}>
                    {label}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <Field
          label="Description"
          hint="Required, 3 characters or more: what it tests and why"
          error={err('testDescription')}
        >
          {(id, d) => (
            <textarea
              id={id}
              aria-describedby={d}
              rows={2}
              value={form.testDescription}
              onChange={(e) => set({ testDescription: e.target.value })}
            />
          )}
        </Field>
        <Field label="Tags" hint="Up to 5, separated by commas" error={err('tags')}>
          {(id, d) => (
            <input id={id} aria-describedby={d} value={form.tags} onChange={(e) => set({ tags: e.target.value })} />
          )}
        </Field>
      </fieldset>
      {form.testType === 'simple' ? (
        <RequestsSection form={form} set={set} err={err} />
      ) : (
        <fieldset>
          <legend>Script</legend>
          <Field
            label={`Script (.${scriptExtension(form.testType)}) or zip`}
            hint={
              form.scriptName
                ? mode === 'copy'
                  ? `The copy takes ${form.scriptName} along. Choose a file to use another.`
                  : `Stored: ${form.scriptName}. Choose a file to replace it.`
                : 'Up to 50 MB; a zip holds the script and its data files.'
            }
            error={server.file ?? ((submitted || file) && fileError ? fileError : undefined)}
          >
            {(id, d) => (
              <input
                id={id}
                type="file"
                aria-describedby={d}
                accept={`.${scriptExtension(form.testType)},.zip`}
                onChange={(e) => {
                  setFile(e.target.files?.[0]);
                  setServer((s) => Object.fromEntries(Object.entries(s).filter(([k]) => k !== 'file')));
                }}
              />
            )}
          </Field>
          {file && <p className="muted small">{`${file.name}, ${bytes(file.size)}`}</p>}
          {progress !== undefined && (
            <div className="progress">
              <progress value={progress} max={1} aria-label="Upload progress" /> {Math.round(progress * 100)} %
            </div>
          )}
        </fieldset>
      )}
      <LoadSection form={form} set={set} err={err} />
      <fieldset>
        <legend>Pass / fail</legend>
        <Field
          label="Thresholds"
          hint="k6 syntax, one per line: http_req_duration: p(95)<300 · http_req_failed: rate<0.01"
          error={err('thresholds')}
        >
          {(id, d) => (
            <textarea
              className="mono"
              id={id}
              aria-describedby={d}
              rows={3}
              value={form.thresholds}
              onChange={(e) => set({ thresholds: e.target.value })}
            />
          )}
        </Field>
      </fieldset>
      <RegionsSection form={form} set={set} err={err} regions={regions} />
      <ScheduleSection
        form={form}
        set={set}
        err={err}
        current={stored && mode === 'edit' ? describeSchedule(stored) : undefined}
      />
      <fieldset>
        <legend>Live data</legend>
        <label className="check">
          <input type="checkbox" checked={form.showLive} onChange={(e) => set({ showLive: e.target.checked })} /> Live
          data on (the AWS solution's <code>showLive</code> flag, kept for the clients that read it; the live view works
          either way)
        </label>
      </fieldset>
      <div className="form-actions">
        {scheduling ? (
          <button type="submit" className="primary" disabled={busy !== undefined}>
            {busy ? 'Scheduling…' : 'Save and schedule'}
          </button>
        ) : (
          <>
            <button type="submit" disabled={busy !== undefined}>
              {busy === 'save' ? 'Saving…' : 'Save'}
            </button>
            <button type="button" className="primary" disabled={busy !== undefined} onClick={() => void save(true)}>
              {busy === 'run' ? 'Starting…' : 'Save and run'}
            </button>
          </>
        )}
        {/* The bar sits by the file field, far above: say here, where Save was pressed, that it is uploading. */}
        {busy && progress !== undefined && progress < 1 ? (
          <span className="muted small" role="status">
            Uploading {file?.name}: {Math.round(progress * 100)} %
          </span>
        ) : null}
        {submitted && (Object.keys(local).length > 0 || fileError) ? (
          <span className="error-text" role="status">
            {Object.keys(local).length + (fileError ? 1 : 0) === 1
              ? '1 field needs attention.'
              : `${Object.keys(local).length + (fileError ? 1 : 0)} fields need attention.`}
          </span>
        ) : null}
      </div>
    </form>
  );
}
