/**
 * The VU program of one thread group: each VU is one JMeter thread with its own variables and
 * cookies; each iteration runs the group's compiled block once. Threads of a ramp-up played by
 * the threads themselves start late, and setUp/tearDown ordering waits at the gates.
 */
import type { VuContext, VuProgram } from '@dlt/model';
import { CookieJar } from './cookie-jar.ts';
import type { Gate } from './gate.ts';
import type { Step } from './sampler-step.ts';
import type { GroupState, TestState, Thread } from './scope.ts';
import { newThread } from './scope.ts';
import type { Template } from './template.ts';
import type { GroupPlan } from './thread-groups.ts';

/** What one group's program needs besides its steps. */
export interface ProgramParts {
  readonly plan: GroupPlan;
  readonly block: Step;
  readonly group: GroupState;
  readonly test: TestState;
  /** User-defined variables, in order (later ones may use earlier ones). */
  readonly variables: readonly (readonly [string, Template])[];
  /** Whether a Cookie Manager is in scope, if it clears cookies each iteration, and the cookies it gives. */
  readonly cookies: { readonly clearEachIteration: boolean; readonly preset: readonly PresetCookie[] } | undefined;
  /** The gate this group's threads hold until done (setUp and main groups). */
  readonly holds?: Gate;
  /** The gate this group waits on first, with its bound in ms (main and tearDown groups). */
  readonly waitsOn?: { readonly gate: Gate; readonly boundMs: number };
}

/** A user-defined cookie of a Cookie Manager (its value may use variables). */
export interface PresetCookie {
  readonly name: string;
  readonly value: Template;
  readonly domain: string;
  readonly path: string;
  readonly secure: boolean;
}

/** A fresh jar holding the manager's own cookies. */
function presetJar(t: Thread, preset: readonly PresetCookie[]): CookieJar {
  const jar = new CookieJar();
  for (const c of preset) jar.add(c.name, c.value(t), c.domain, c.path, c.secure);
  return jar;
}

const key = 'dlt.jmx.thread';
const left = Symbol('left the gate');

/** Builds the program of a thread group. */
export function groupProgram(p: ProgramParts): VuProgram {
  const thread = (ctx: VuContext): Thread => {
    let t = ctx.vars.get(key) as Thread | undefined;
    if (t === undefined) {
      t = newThread(p.group, p.test);
      for (const [name, value] of p.variables) t.vars.set(name, value(t));
      if (p.cookies !== undefined) t.cookies = presetJar(t, p.cookies.preset);
      ctx.vars.set(key, t);
      p.holds?.enter();
    }
    return t;
  };
  return {
    init(ctx) {
      thread(ctx);
    },
    async iteration(ctx) {
      const t = thread(ctx);
      t.ctx = ctx;
      if (ctx.iteration === 0) await firstIteration(t, ctx, p);
      if (t.stopped || t.test.stopped) return idle(t, ctx, p);
      // JMeter 5 keeps the thread group's iteration in `__jm__<group name>__idx`.
      t.vars.set(`__jm__${p.group.name}__idx`, String(ctx.iteration));
      if (p.cookies !== undefined && (p.plan.freshUser || p.cookies.clearEachIteration))
        t.cookies = presetJar(t, p.cookies.preset);
      try {
        await p.block(t);
      } finally {
        const done = t.stopped || (p.plan.loops !== undefined && ctx.iteration + 1 >= p.plan.loops);
        if (done) leave(t, p);
      }
    },
  };
}

/** The thread leaves its gate once, however many times it ends. */
function leave(t: Thread, p: ProgramParts): void {
  if (p.holds === undefined || t.own.has(left)) return;
  t.own.set(left, true);
  p.holds.leave();
}

async function firstIteration(t: Thread, ctx: VuContext, p: ProgramParts): Promise<void> {
  if (p.waitsOn !== undefined) await p.waitsOn.gate.wait((ms) => ctx.sleep(ms), p.waitsOn.boundMs);
  p.group.startedAt ??= performance.now();
  const stagger = p.plan.staggerMs * (t.threadNum - 1);
  if (stagger > 0) await ctx.sleep(stagger);
}

/** A stopped thread sends nothing more; under a schedule it waits for the end rather than spin. */
async function idle(t: Thread, ctx: VuContext, p: ProgramParts): Promise<void> {
  leave(t, p);
  if (p.plan.durationMs === undefined || p.plan.spec.executor === 'ramping-arrival-rate') return;
  const end = (t.group.startedAt ?? performance.now()) + p.plan.durationMs;
  await ctx.sleep(Math.max(1, end - performance.now()));
}
