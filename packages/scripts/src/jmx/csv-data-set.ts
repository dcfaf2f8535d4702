/**
 * CSV Data Set Config: the file is read and split once when the plan is compiled; at run time
 * each pass through its scope takes the next row into the variables. Rows are shared by every
 * thread, by the thread group, or per thread (sharing mode), wrap around with `recycle`, and at
 * the end either stop the thread or give `<EOF>`, as JMeter does.
 */
import type { CompileContext } from './compile-context.ts';
import type { JmxElement } from './jmx-tree.ts';
import { bool, str } from './props.ts';
import type { Thread } from './scope.ts';

/** Takes the next row into the thread's variables; false when the thread must stop. */
export type NextRow = (t: Thread) => boolean;

/** Rows above this are refused: a data file is read into memory whole. */
const maxBytes = 100 * 1024 * 1024;

/** Compiles a `CSVDataSet` element; undefined when its file cannot be used (problem recorded). */
export function compileCsvDataSet(el: JmxElement, cx: CompileContext): NextRow | undefined {
  const filename = cx.template(el, str(el, 'filename'))(cx.planThread).trim();
  if (filename === '') {
    cx.complain(el, 'names no file');
    return undefined;
  }
  const file = cx.files(filename);
  if (!file.ok) {
    cx.complain(el, file.message);
    return undefined;
  }
  if (file.bytes.byteLength > maxBytes) {
    cx.complain(el, `${filename} is larger than ${maxBytes} bytes`);
    return undefined;
  }
  const encoding = str(el, 'fileEncoding').trim().toLowerCase();
  const text = new TextDecoder(encoding === '' || encoding === 'utf-8' ? 'utf-8' : safeEncoding(encoding)).decode(
    file.bytes,
  );
  const rawDelimiter = str(el, 'delimiter', ',');
  const delimiter = rawDelimiter === '\\t' ? '\t' : rawDelimiter || ',';
  let rows = bool(el, 'quotedData') ? parseQuoted(text, delimiter) : parsePlain(text, delimiter);
  let names = str(el, 'variableNames')
    .split(delimiter === '\t' ? /[\t,]/ : delimiter)
    .map((n) => n.trim())
    .filter((n) => n !== '');
  if (names.length === 0) {
    names = (rows[0] ?? []).map((n) => n.trim());
    rows = rows.slice(1);
  } else if (bool(el, 'ignoreFirstLine')) rows = rows.slice(1);
  const recycle = bool(el, 'recycle', true);
  const stopThread = bool(el, 'stopThread');
  const mode = str(el, 'shareMode', 'shareMode.all');
  const key =
    mode === 'shareMode.all' || mode === 'shareMode.group' || mode === 'shareMode.thread'
      ? {}
      : `csv:${mode}:${file.path}`;
  const cursorOf = (t: Thread): { next: number } => {
    const holder = mode === 'shareMode.thread' ? t.own : mode === 'shareMode.group' ? t.group.shared : t.test.shared;
    const c = (holder.get(key) as { next: number } | undefined) ?? { next: 0 };
    holder.set(key, c);
    return c;
  };
  return (t) => {
    const cursor = cursorOf(t);
    let i = cursor.next++;
    if (i >= rows.length) {
      if (recycle && rows.length > 0) {
        i %= rows.length;
        cursor.next = i + 1;
      } else if (stopThread) {
        t.stopped = true;
        return false;
      } else {
        for (const n of names) t.vars.set(n, '<EOF>');
        return true;
      }
    }
    const row = rows[i];
    names.forEach((n, j) => {
      t.vars.set(n, row[j] ?? '');
    });
    return true;
  };
}

function safeEncoding(label: string): string {
  try {
    new TextDecoder(label);
    return label;
  } catch {
    return 'utf-8';
  }
}

function lines(text: string): string[] {
  const out = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}

function parsePlain(text: string, delimiter: string): string[][] {
  return lines(text).map((l) => l.split(delimiter));
}

/** Fields in double quotes may hold the delimiter, newlines and `""` for a quote. */
export function parseQuoted(text: string, delimiter: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const src = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') field += src[i++];
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (src.startsWith(delimiter, i)) {
      row.push(field);
      field = '';
      i += delimiter.length - 1;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
