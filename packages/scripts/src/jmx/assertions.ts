/**
 * JMeter's assertions compiled into checks of a response: Response, Duration, Size and JSON
 * assertions. A check returns JMeter's failure message, or null when the sample passes; the
 * engine then records the sample as failed with error kind `assertion`.
 */
import type { HttpResponse } from '@dlt/model';
import type { CompileContext } from './compile-context.ts';
import type { JmxElement } from './jmx-tree.ts';
import { compileJsonPath } from './json-path.ts';
import { bool, items, str } from './props.ts';
import { javaRegex } from './regex.ts';
import { bodyText, elapsedMs, fieldText, type ResponseField, type SentRequest } from './response-fields.ts';
import type { Thread } from './scope.ts';
import type { Template } from './template.ts';

/** A compiled assertion: the failure message or null. */
export type Check = (res: HttpResponse, sent: SentRequest, t: Thread) => string | null;

export interface CompiledCheck {
  readonly check: Check;
  /** Whether it reads the body (so the sampler keeps it). */
  readonly needsBody: boolean;
  /** "Ignore status": the sample passes whatever its status, unless an assertion fails it. */
  readonly ignoreStatus?: boolean;
}

export const assertionTypes = ['ResponseAssertion', 'DurationAssertion', 'SizeAssertion', 'JSONPathAssertion'] as const;

/** Compiles an assertion element (one of `assertionTypes`). */
export function compileAssertion(el: JmxElement, cx: CompileContext): CompiledCheck {
  switch (el.type) {
    case 'ResponseAssertion':
      return responseAssertion(el, cx);
    case 'DurationAssertion': {
      const max = cx.number(el, 'DurationAssertion.duration', 0);
      const check: Check = (res) => {
        const took = Math.round(elapsedMs(res));
        return max > 0 && took > max
          ? `The operation lasted too long: It took ${took} milliseconds, but should not have lasted longer than ${max} milliseconds.`
          : null;
      };
      return { check, needsBody: false };
    }
    case 'SizeAssertion':
      return sizeAssertion(el, cx);
    default:
      return jsonAssertion(el, cx);
  }
}

const responseFieldOf: Readonly<Record<string, ResponseField>> = {
  'Assertion.response_data': 'body',
  'Assertion.response_data_as_document': 'body',
  'Assertion.response_code': 'code',
  'Assertion.response_message': 'message',
  'Assertion.response_headers': 'headers',
  'Assertion.request_headers': 'requestHeaders',
  'Assertion.request_data': 'requestBody',
  'Assertion.sample_label': 'url',
};

const MATCH = 1;
const NOT = 4;
const EQUALS = 8;
const SUBSTRING = 16;
const OR = 32;

function responseAssertion(el: JmxElement, cx: CompileContext): CompiledCheck {
  const rawField = str(el, 'Assertion.test_field', 'Assertion.response_data');
  const field = responseFieldOf[rawField];
  if (field === undefined) cx.complain(el, `test field ${rawField} is not supported`);
  if (rawField === 'Assertion.response_data_as_document') cx.warn(el, 'the document is read as the plain body');
  const type = cx.number(el, 'Assertion.test_type', 2);
  const strings: Template[] = items(el, 'Asserion.test_strings')
    .concat(items(el, 'Assertion.test_strings'))
    .map((p) => cx.template(el, p.value));
  const custom = str(el, 'Assertion.custom_message');
  const not = (type & NOT) !== 0;
  const or = (type & OR) !== 0;
  const how = type & MATCH ? 'match' : type & EQUALS ? 'equal' : 'contain';
  const test = (text: string, pattern: string): boolean => {
    if (type & EQUALS) return text === pattern;
    if (type & SUBSTRING) return text.includes(pattern);
    const re = javaRegex(pattern);
    if (re === undefined) return false;
    if (type & MATCH) {
      const m = re.exec(text);
      return m !== null && m.index === 0 && m[0].length === text.length;
    }
    // CONTAINS, and JMeter's default when no kind is set.
    return re.test(text);
  };
  const check: Check = (res, sent, t) => {
    if (field === undefined) return null;
    const text = fieldText(field, res, sent);
    const failures: string[] = [];
    for (const s of strings) {
      const pattern = s(t);
      const pass = test(text, pattern) !== not;
      if (pass && or) return null;
      if (!pass) failures.push(`Test failed: ${describe(field)} expected ${not ? 'not ' : ''}to ${how} /${pattern}/`);
    }
    if (failures.length === 0 || (or && failures.length < strings.length)) return null;
    return custom || failures[0];
  };
  return { check, needsBody: field === 'body', ignoreStatus: bool(el, 'Assertion.assume_success') };
}

function describe(field: ResponseField): string {
  return field === 'body' ? 'text' : field === 'code' ? 'code' : field === 'headers' ? 'headers' : field;
}

const sizeFieldOf: Readonly<Record<string, 'network' | ResponseField>> = {
  'SizeAssertion.response_network_size': 'network',
  'SizeAssertion.response_headers': 'headers',
  'SizeAssertion.response_data': 'body',
  'SizeAssertion.response_code': 'code',
  'SizeAssertion.response_message': 'message',
};

const sizeOps: Readonly<Record<number, [string, (a: number, b: number) => boolean]>> = {
  1: ['=', (a, b) => a === b],
  2: ['!=', (a, b) => a !== b],
  3: ['>', (a, b) => a > b],
  4: ['<', (a, b) => a < b],
  5: ['>=', (a, b) => a >= b],
  6: ['<=', (a, b) => a <= b],
};

function sizeAssertion(el: JmxElement, cx: CompileContext): CompiledCheck {
  const field = sizeFieldOf[str(el, 'Assertion.test_field', 'SizeAssertion.response_network_size')] ?? 'network';
  const size = cx.number(el, 'SizeAssertion.size', 0);
  const [symbol, op] = sizeOps[cx.number(el, 'SizeAssertion.operator', 1)] ?? sizeOps[1];
  const check: Check = (res, sent) => {
    const n = field === 'network' ? res.bytesReceived : Buffer.byteLength(fieldText(field, res, sent));
    return op(n, size)
      ? null
      : `The result was the wrong size: It was ${n} bytes, but should have been ${symbol} ${size} bytes.`;
  };
  return { check, needsBody: field === 'body' };
}

function jsonAssertion(el: JmxElement, cx: CompileContext): CompiledCheck {
  const pathText = str(el, 'JSON_PATH');
  let path: ReturnType<typeof compileJsonPath> = () => [];
  try {
    path = compileJsonPath(pathText);
  } catch (e) {
    cx.complain(el, `JSON path "${pathText}": ${(e as Error).message}`);
  }
  const expected = cx.prop(el, 'EXPECTED_VALUE');
  const validate = bool(el, 'JSONVALIDATION');
  const expectNull = bool(el, 'EXPECT_NULL');
  const invert = bool(el, 'INVERT');
  const isRegex = bool(el, 'ISREGEX', true);
  const outcome = (res: HttpResponse, t: Thread): string | null => {
    let doc: unknown;
    try {
      doc = JSON.parse(bodyText(res));
    } catch {
      return 'the response is not JSON';
    }
    const found = path(doc);
    if (found.length === 0) return `No results for path: ${pathText}`;
    if (!validate) return null;
    const want = expected(t);
    const fits = (v: unknown) => {
      if (expectNull) return v === null;
      const text = typeof v === 'string' ? v : JSON.stringify(v);
      if (!isRegex) return text === want;
      const re = javaRegex(want);
      return re !== undefined && new RegExp(`^(?:${re.source})$`, re.flags).test(text);
    };
    const values = found.length === 1 && Array.isArray(found[0]) ? [found[0], ...found[0]] : found;
    return values.some(fits)
      ? null
      : `Value expected to be '${expectNull ? 'null' : want}', but found '${JSON.stringify(found[0])}'`;
  };
  const check: Check = (res, _sent, t) => {
    const failure = outcome(res, t);
    if (!invert) return failure;
    return failure === null ? `Failed that JSONPath ${pathText} does not match` : null;
  };
  return { check, needsBody: true };
}
