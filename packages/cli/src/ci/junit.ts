/**
 * A run as a JUnit XML report for CI: one test suite, with one test case for the run itself
 * (an error when it failed or was cancelled), one per threshold (a failure when crossed), one
 * per check (a failure when any of its evaluations failed), and, with `--fail-on-regression`,
 * one per compared metric. The shape is the common JUnit schema that CI servers read
 * (`testsuites` › `testsuite` › `testcase` › `failure | error | skipped`).
 */
import type { RunSummary } from '@dlt/model';
import { describeCheck, type RegressionVerdict } from './regression.ts';

export interface JunitInput {
  /** The suite's name: the test's name or file. */
  readonly name: string;
  /** `complete`, `failed`, `cancelled`… (a local run is complete). */
  readonly status: string;
  readonly errorReason?: string;
  readonly summary?: RunSummary;
  readonly regression?: RegressionVerdict;
  /** Why a requested regression check did not run (no baseline). */
  readonly regressionSkipped?: string;
}

interface Case {
  readonly classname: string;
  readonly name: string;
  /** Seconds; only the run's own case took time (thresholds and checks are read from its results). */
  readonly time?: string;
  readonly failure?: { readonly type: string; readonly message: string };
  readonly error?: { readonly type: string; readonly message: string };
  readonly skipped?: string;
}

/** XML text and attribute escaping (and characters XML 1.0 cannot hold dropped). */
function esc(text: string): string {
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters XML 1.0 cannot hold
      .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
  );
}

const seconds = (input: JunitInput) => ((input.summary?.durationMs ?? 0) / 1000).toFixed(3);

function cases(input: JunitInput): Case[] {
  const out: Case[] = [];
  const ok = input.status === 'complete';
  out.push({
    classname: 'dlt.run',
    name: 'run completes',
    time: seconds(input),
    ...(ok
      ? {}
      : {
          error: {
            type: input.status,
            message: `run ${input.status}${input.errorReason ? `: ${input.errorReason}` : ''}`,
          },
        }),
  });
  for (const [name, t] of Object.entries(input.summary?.thresholds ?? {})) {
    const actual = t.actual === undefined ? '' : ` (actual ${t.actual})`;
    out.push({
      classname: 'dlt.thresholds',
      name,
      ...(t.ok ? {} : { failure: { type: 'threshold', message: `threshold crossed: ${name}${actual}` } }),
    });
  }
  for (const [name, c] of Object.entries(input.summary?.checks ?? {})) {
    const total = c.passes + c.fails;
    out.push({
      classname: 'dlt.checks',
      name,
      ...(c.fails === 0 ? {} : { failure: { type: 'check', message: `${c.fails} of ${total} checks failed` } }),
    });
  }
  const r = input.regression;
  for (const c of r?.checks ?? []) {
    const message = describeCheck(c, r?.allowedPercent ?? 0);
    out.push({
      classname: 'dlt.regression',
      name: `${c.metric} against baseline ${r?.baselineId}`,
      ...(c.regressed ? { failure: { type: 'regression', message } } : {}),
    });
  }
  if (input.regressionSkipped) {
    out.push({ classname: 'dlt.regression', name: 'regression against baseline', skipped: input.regressionSkipped });
  }
  return out;
}

function caseXml(c: Case): string {
  const open = `    <testcase classname="${esc(c.classname)}" name="${esc(c.name)}" time="${c.time ?? '0'}"`;
  const inner = c.failure
    ? `<failure type="${esc(c.failure.type)}" message="${esc(c.failure.message)}">${esc(c.failure.message)}</failure>`
    : c.error
      ? `<error type="${esc(c.error.type)}" message="${esc(c.error.message)}">${esc(c.error.message)}</error>`
      : c.skipped !== undefined
        ? `<skipped message="${esc(c.skipped)}"/>`
        : '';
  return inner === '' ? `${open}/>` : `${open}>\n      ${inner}\n    </testcase>`;
}

/** The JUnit XML document of a run. */
export function junitXml(input: JunitInput): string {
  const all = cases(input);
  const count = (k: 'failure' | 'error' | 'skipped') => all.filter((c) => c[k] !== undefined).length;
  const time = seconds(input);
  const timestamp = (input.summary?.startedAt ?? new Date().toISOString()).replace(/\.\d+Z$|Z$/, '');
  const head = `name="${esc(input.name)}" tests="${all.length}" failures="${count('failure')}" errors="${count('error')}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites ${head} time="${time}">`,
    `  <testsuite ${head} skipped="${count('skipped')}" time="${time}" timestamp="${timestamp}" hostname="dlt">`,
    ...all.map(caseXml),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
