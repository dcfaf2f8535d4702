/**
 * Config elements that set a variable at each pass through their level, as a CSV data set
 * takes a row: the Counter (start, increment, end where it wraps, per user or shared, a
 * number format) and the Random Variable (a whole number between a minimum and a maximum).
 */
import { randomInt } from 'node:crypto';
import type { CompileContext } from './compile-context.ts';
import type { NextRow } from './csv-data-set.ts';
import type { JmxElement } from './jmx-tree.ts';
import { bool, str } from './props.ts';
import type { Thread } from './scope.ts';

/** `CounterConfig`: the next value at each pass, wrapping past the end. */
export function compileCounter(el: JmxElement, cx: CompileContext): NextRow {
  const name = str(el, 'CounterConfig.name').trim();
  const start = cx.number(el, 'CounterConfig.start', 1);
  const step = cx.number(el, 'CounterConfig.incr', 1);
  const endText = str(el, 'CounterConfig.end').trim();
  const end = endText === '' ? Number.MAX_SAFE_INTEGER : cx.number(el, 'CounterConfig.end', Number.MAX_SAFE_INTEGER);
  const format = str(el, 'CounterConfig.format');
  const perUser = bool(el, 'CounterConfig.per_user');
  if (name === '') cx.complain(el, 'the counter has no variable name (CounterConfig.name)');
  const key = {};
  return (t: Thread) => {
    const holder = perUser ? t.own : t.test.shared;
    const previous = holder.get(key) as number | undefined;
    let value = previous === undefined ? start : previous + step;
    if ((step >= 0 && value > end) || (step < 0 && value < end)) value = start;
    holder.set(key, value);
    t.vars.set(name, formatNumber(value, format));
    return true;
  };
}

/** `RandomVariableConfig`: a new whole number in [minimum, maximum] at each pass. */
export function compileRandomVariable(el: JmxElement, cx: CompileContext): NextRow {
  const name = str(el, 'variableName').trim();
  const min = cx.prop(el, 'minimumValue', el, '1');
  const max = cx.prop(el, 'maximumValue', el, '100');
  const format = str(el, 'outputFormat');
  if (name === '') cx.complain(el, 'the random variable has no name (variableName)');
  if (str(el, 'randomSeed').trim() !== '') cx.warn(el, 'the random seed is not used: values differ between runs');
  return (t: Thread) => {
    const lo = Math.trunc(Number(min(t)));
    const hi = Math.trunc(Number(max(t)));
    const value = Number.isFinite(lo) && Number.isFinite(hi) && hi >= lo ? lo + randomInt(hi - lo + 1) : lo;
    t.vars.set(name, formatNumber(value, format));
    return true;
  };
}

/**
 * A number in a Java DecimalFormat pattern as plans use them: a run of `0` pads to its width,
 * `#` adds nothing, and text around the digits is kept (`user_000` gives `user_007`).
 */
export function formatNumber(value: number, format: string): string {
  const digits = /[0#]+/.exec(format);
  if (format === '' || digits === null) return String(value);
  const width = (digits[0].match(/0/g) ?? []).length;
  const text = String(Math.abs(value)).padStart(width, '0');
  return `${format.slice(0, digits.index)}${value < 0 ? '-' : ''}${text}${format.slice(digits.index + digits[0].length)}`;
}
