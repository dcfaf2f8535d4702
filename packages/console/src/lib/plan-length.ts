/** How long a test is planned to run, from its definition, so the live view can say what remains. */
import { checkDefinition } from '@dlt/model';

type Parsed = Readonly<Record<string, unknown>>;

const msOf = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

function executionMs(e: Parsed): number | undefined {
  const start = msOf(e['start-time']);
  const stages = Array.isArray(e.stages) ? (e.stages as Parsed[]).reduce((n, s) => n + msOf(s.duration), 0) : 0;
  switch (e.executor) {
    case 'constant-vus':
    case 'constant-arrival-rate':
      return start + msOf(e.duration);
    case 'ramping-vus':
    case 'ramping-arrival-rate':
      return start + stages;
    case 'shared-iterations':
    case 'per-vu-iterations':
      return undefined;
    default: {
      const taurus = msOf(e['ramp-up']) + msOf(e['hold-for']);
      return taurus > 0 ? start + taurus : undefined;
    }
  }
}

/** The longest execution's planned length in ms; undefined when it depends on iterations or the definition is not valid. */
export function plannedMs(testScenario: unknown): number | undefined {
  const execution = (testScenario as { execution?: unknown } | undefined)?.execution;
  if (!Array.isArray(execution)) return undefined;
  // Only the load matters here: a stand-in scenario lets script tests (whose requests live in the script) parse too.
  const load = execution.map((e) => ({ ...(e as Parsed), scenario: undefined, name: undefined }));
  const check = checkDefinition({ execution: load, scenarios: { s: { requests: ['http://127.0.0.1/'] } } });
  if (!check.ok) return undefined;
  let longest = 0;
  for (const e of check.value.execution as readonly Parsed[]) {
    const len = executionMs(e);
    if (len === undefined) return undefined;
    longest = Math.max(longest, len);
  }
  return longest;
}
