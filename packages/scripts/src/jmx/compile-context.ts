/**
 * What compiling one plan carries along: the problems and warnings found so far (each naming
 * the element's path in the tree), the plan's files (a CSV beside the plan or in its zip), the
 * properties, and a thread to evaluate settings that must be known before the run (thread
 * counts, durations written as `${__P(users,10)}`).
 */
import type { Problem } from '@dlt/model';
import type { JmxElement } from './jmx-tree.ts';
import type { PropBag } from './props.ts';
import { str } from './props.ts';
import { newGroupState, newTestState, newThread, type Thread } from './scope.ts';
import { compileTemplate, type Template } from './template.ts';

/** Reads a file the plan names (relative to the plan): its bytes, or why not. */
export type PlanFiles = (
  name: string,
) => { ok: true; bytes: Uint8Array; path: string } | { ok: false; message: string };

/** The compile-time state of one plan. */
export class CompileContext {
  readonly source: string;
  readonly files: PlanFiles;
  readonly properties: Readonly<Record<string, string>>;
  readonly problems: Problem[] = [];
  readonly warnings: string[] = [];
  /** Evaluates settings before the run: properties and the plan's variables, thread 1. */
  readonly planThread: Thread;
  /** The Test Plan element, for Module Controllers that name a part of the tree. */
  root: JmxElement | undefined;

  constructor(source: string, files: PlanFiles, properties: Readonly<Record<string, string>>) {
    this.source = source;
    this.files = files;
    this.properties = properties;
    const test = newTestState(properties);
    this.planThread = newThread(newGroupState('plan', 1), test);
  }

  /** Records a problem with `el`: `file ThreadGroup "Users" > … : message`. */
  complain(el: JmxElement, message: string, hint?: string): void {
    this.problems.push({ file: this.source, field: el.path, message, hint });
  }

  /** Records a note for the user about `el`. */
  warn(el: JmxElement, message: string): void {
    this.warnings.push(`${this.source}: ${el.path}: ${message}`);
  }

  /** Compiles a template, its problems placed at `el`. */
  template(el: JmxElement, text: string): Template {
    return compileTemplate(text, (m) => this.complain(el, m));
  }

  /** Compiles property `name` of `bag` (an element or one of its nested properties). */
  prop(el: JmxElement, name: string, bag: PropBag = el, fallback = ''): Template {
    return this.template(el, str(bag, name, fallback));
  }

  /** Evaluates property `name` now, as a number; a problem when it is not one. */
  number(el: JmxElement, name: string, fallback: number, bag: PropBag = el): number {
    const text = str(bag, name).trim();
    if (text === '') return fallback;
    const value = this.template(el, text)(this.planThread).trim();
    if (value === '') return fallback;
    const n = Number(value);
    if (!Number.isFinite(n)) {
      this.complain(el, `${name} must be a number, got "${value}"`);
      return fallback;
    }
    return n;
  }
}
