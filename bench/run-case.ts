/**
 * Runs one case once: the generator under measure(), the nginx worker's CPU read before and
 * after, and (idle suite) the open connections counted while it runs. Failures become records.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { establishedTo, machineBusySeconds, measure } from './measure.ts';
import type { NginxTarget } from './nginx.ts';
import type { Peer } from './peers.ts';
import type { BenchCase } from './suites.ts';
import type { RunRecord } from './summary.ts';

/** What every run shares. */
export interface RunContext {
  readonly target: NginxTarget;
  readonly scratchDir: string;
}

/** Generous room over the load's duration for start-up, the connection storm and shut-down. */
const graceS = 30;

let nextOut = 0;

/**
 * The line worth showing from a failed tool's stderr (or stdout): an `…Error: message` line if
 * there is one (Node's crash output opens with a source location, not the error), else a line
 * that mentions an error, else the first non-blank one.
 */
export function firstLine(...texts: readonly string[]): string {
  for (const t of texts) {
    const lines = t.split('\n').filter((l) => l.trim() !== '');
    const line = lines.find((l) => /^\s*\w*Error\b/.test(l)) ?? lines.find((l) => /\berror\b/i.test(l)) ?? lines[0];
    if (line !== undefined) return line.trim().slice(0, 200);
  }
  return 'no output';
}

/** Samples established connections to the target until stopped; resolves to the peak. */
function connectionCounter(port: number): { stop(): Promise<number> } {
  let peak = 0;
  let busy: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    busy = establishedTo(port).then(
      (n) => {
        peak = Math.max(peak, n);
      },
      () => undefined,
    );
  }, 500);
  return {
    async stop() {
      clearInterval(timer);
      await busy;
      return peak;
    },
  };
}

/** Runs `c` once with `peer`; never throws for the tool's own failure. */
export async function runCase(c: BenchCase, peer: Peer, rep: number, ctx: RunContext): Promise<RunRecord> {
  const fail = (error: string): RunRecord => ({
    ok: false,
    suite: c.suite,
    caseId: c.id,
    rep,
    error: `${c.tool} ${error}`,
  });
  const outFile = join(ctx.scratchDir, `${c.tool}-${process.pid}-${nextOut++}.json`);
  const command = peer.command(c.load, ctx.target.url, outFile);
  if (command === undefined) return fail(`cannot apply a ${c.load.kind} load`);
  for (const f of command.files ?? []) await writeFile(f.path, f.text);
  const cpuBefore = await ctx.target.workerCpuSeconds();
  const busyBefore = await machineBusySeconds();
  const counter = c.countConnections ? connectionCounter(ctx.target.port) : undefined;
  const m = await measure({
    cmd: command.cmd,
    args: command.args,
    cpus: c.cpus,
    timeoutS: c.load.durationS + graceS,
    cwd: ctx.scratchDir,
    scratchDir: ctx.scratchDir,
  });
  const peakConnections = await counter?.stop();
  const targetCpuS = (await ctx.target.workerCpuSeconds()) - cpuBefore;
  const busyS = (await machineBusySeconds()) - busyBefore;
  const outText = await readFile(outFile, 'utf8').catch(() => undefined);
  await Promise.all([outFile, ...(command.files ?? []).map((f) => f.path)].map((p) => rm(p, { force: true })));
  if (m.exitCode === 124 || m.exitCode === 137) return fail(`run timed out after ${c.load.durationS + graceS} s`);
  if (m.exitCode !== 0) return fail(`run failed: ${firstLine(m.stderr, m.stdout)}`);
  if (m.cost === undefined) return fail('run has no /usr/bin/time report');
  try {
    const result = peer.parse(m.stdout, outText);
    if (result.requests === 0) return fail(`run completed no request (${result.errors} errors)`);
    // Whatever else ran meanwhile (other work on the machine, this harness) is noise in the numbers.
    const otherCpuS = Math.max(0, busyS - targetCpuS - m.cost.userS - m.cost.sysS);
    return {
      ok: true,
      suite: c.suite,
      caseId: c.id,
      rep,
      result,
      cost: m.cost,
      targetCpuS,
      otherCpuS,
      peakConnections,
    };
  } catch (e) {
    return fail(`output unreadable: ${(e as Error).message}`);
  }
}
