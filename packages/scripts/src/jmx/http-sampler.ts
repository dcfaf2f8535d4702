/**
 * The HTTP Request sampler compiled with the config elements in its scope (HTTP Request
 * Defaults, Header Managers, Auth Managers, Cookie Manager) into a function that builds the
 * request for a thread: URL from protocol, domain, port and path; parameters into the query or
 * a form body; a raw body; files as multipart; headers merged inner over outer.
 */
import type { HttpRequest } from '@dlt/model';
import type { CompileContext } from './compile-context.ts';
import type { JmxElement } from './jmx-tree.ts';
import { argumentsOf, bagOf, bool, items, nested, type PropBag, str } from './props.ts';
import type { SentRequest } from './response-fields.ts';
import type { Thread } from './scope.ts';
import type { Template } from './template.ts';

/** The config elements in a sampler's scope, outer first. */
export interface ConfigScope {
  readonly defaults: readonly JmxElement[];
  readonly headers: readonly JmxElement[];
  readonly auth: readonly JmxElement[];
  readonly cookies: JmxElement | undefined;
}

export const emptyConfig: ConfigScope = { defaults: [], headers: [], auth: [], cookies: undefined };

/** A request built for one send. */
export interface Built {
  readonly request: HttpRequest;
  readonly sent: SentRequest;
  readonly url: URL | null;
}

export interface HttpSampler {
  readonly build: (t: Thread, responseBody: HttpRequest['responseBody']) => Built;
  /** Redirects to follow one by one (so every hop's cookies are kept); 0 when the engine follows or none. */
  readonly manualRedirects: number;
}

const bodyMethods = new Set(['POST', 'PUT', 'PATCH']);

/** Compiles an `HTTPSamplerProxy` (or `HTTPSampler`). */
export function compileHttpSampler(el: JmxElement, config: ConfigScope, cx: CompileContext): HttpSampler {
  const field = (name: string): Template => {
    for (const bag of [el, ...[...config.defaults].reverse()]) {
      const v = str(bag, `HTTPSampler.${name}`).trim();
      if (v !== '') return cx.template(el, v);
    }
    return () => '';
  };
  const [protocol, domain, port, path] = [field('protocol'), field('domain'), field('port'), field('path')];
  const method = (str(el, 'HTTPSampler.method', 'GET').trim() || 'GET').toUpperCase();
  const raw = bool(el, 'HTTPSampler.postBodyRaw');
  const params = compileParams(el, config, cx);
  const files = compileFiles(el, cx);
  const multipart = bool(el, 'HTTPSampler.DO_MULTIPART_POST') || files.some((f) => f.param !== '');
  const headers = compileHeaders(config, cx, el);
  const auth = compileAuth(config, cx, el);
  const timeoutMs = cx.number(el, 'HTTPSampler.connect_timeout', 0) + cx.number(el, 'HTTPSampler.response_timeout', 0);
  const follow = bool(el, 'HTTPSampler.follow_redirects') || bool(el, 'HTTPSampler.auto_redirects');
  const keepAlive = bool(el, 'HTTPSampler.use_keepalive', true);
  if (bool(el, 'HTTPSampler.image_parser')) cx.warn(el, 'embedded resources are not downloaded');
  const boundary = `dlt${Math.random().toString(16).slice(2)}`;
  const manualRedirects = follow && config.cookies !== undefined ? 20 : 0;
  const build = (t: Thread, responseBody: HttpRequest['responseBody']): Built => {
    const base = buildUrl(protocol(t), domain(t), port(t), path(t));
    const args = params(t);
    const h: Record<string, string> = headers(t);
    let body: string | Uint8Array | undefined;
    let query = '';
    if (raw) body = args.map((a) => a.value).join('');
    else if (multipart && (bodyMethods.has(method) || files.length > 0)) {
      body = multipartBody(boundary, args, files);
      h['Content-Type'] = `multipart/form-data; boundary=${boundary}`;
    } else if (files.length === 1 && files[0].param === '' && args.length === 0) {
      body = files[0].bytes;
      if (files[0].mime && !hasHeader(h, 'content-type')) h['Content-Type'] = files[0].mime;
    } else if (args.length > 0) {
      const encoded = args.map((a) => (a.name === '' && !a.equals ? a.value : `${a.name}=${a.value}`)).join('&');
      if (bodyMethods.has(method)) {
        body = encoded;
        if (!hasHeader(h, 'content-type')) h['Content-Type'] = 'application/x-www-form-urlencoded';
      } else query = encoded;
    }
    const url = query === '' ? base : `${base}${base.includes('?') ? '&' : '?'}${query}`;
    const parsed = URL.parse(url);
    if (parsed !== null) {
      auth(t, url, h);
      const cookie = t.cookies?.header(parsed);
      if (cookie !== undefined) h.Cookie = cookie;
    }
    const request: HttpRequest = {
      label: el.name,
      method,
      url,
      headers: h,
      body,
      timeoutMs: timeoutMs > 0 ? timeoutMs : undefined,
      responseBody,
      maxRedirects: follow && manualRedirects === 0 ? 20 : 0,
      keepAlive,
    };
    const sentBody = body === undefined ? '' : typeof body === 'string' ? body : `<${body.byteLength} bytes>`;
    return { request, sent: { label: el.name, headers: h, body: sentBody }, url: parsed };
  };
  return { build, manualRedirects };
}

const hasHeader = (h: Record<string, string>, name: string) => Object.keys(h).some((k) => k.toLowerCase() === name);

/** `protocol://domain:port/path`, or the path itself when it is a whole URL. */
export function buildUrl(protocol: string, domain: string, port: string, path: string): string {
  if (/^https?:\/\//i.test(path)) return path;
  const scheme = (protocol || 'http').toLowerCase();
  const defaultPort = scheme === 'https' ? '443' : '80';
  const host = domain.includes(':') && !domain.startsWith('[') ? `[${domain}]` : domain;
  const p = port === '' || port === defaultPort ? '' : `:${port}`;
  const rest = path === '' ? '/' : path.startsWith('/') ? path : `/${path}`;
  return `${scheme}://${host}${p}${rest}`;
}

interface Param {
  readonly name: string;
  readonly value: string;
  readonly equals: boolean;
}

function formEncode(s: string): string {
  return encodeURIComponent(s).replace(/%20/g, '+');
}

function compileParams(el: JmxElement, config: ConfigScope, cx: CompileContext): (t: Thread) => Param[] {
  const own = argumentsOf(el, 'HTTPsampler.Arguments');
  const names = new Set(own.map((a) => a.name));
  const inherited = config.defaults
    .flatMap((d) => argumentsOf(d, 'HTTPsampler.Arguments'))
    .filter((a) => !names.has(a.name));
  const compiled = [...own, ...inherited].map((a) => ({
    name: cx.template(el, a.name),
    value: cx.template(el, a.value),
    encode: bool(a.item, 'HTTPArgument.always_encode'),
    equals: bool(a.item, 'HTTPArgument.use_equals', true),
  }));
  return (t) =>
    compiled.map((a) => {
      const [name, value] = [a.name(t), a.value(t)];
      return a.encode
        ? { name: formEncode(name), value: formEncode(value), equals: a.equals }
        : { name, value, equals: a.equals };
    });
}

interface FilePart {
  readonly param: string;
  readonly mime: string;
  readonly name: string;
  readonly bytes: Uint8Array;
}

function compileFiles(el: JmxElement, cx: CompileContext): FilePart[] {
  const list = items(nested(el, 'HTTPsampler.Files'), 'HTTPFileArgs.files');
  return list.flatMap((p) => {
    const f: PropBag = bagOf(p);
    const path = cx.template(el, str(f, 'File.path'))(cx.planThread);
    if (path === '') return [];
    const file = cx.files(path);
    if (!file.ok) {
      cx.complain(el, file.message);
      return [];
    }
    const name = path.split(/[/\\]/).pop() ?? path;
    return [{ param: str(f, 'File.paramname'), mime: str(f, 'File.mimetype'), name, bytes: file.bytes }];
  });
}

function multipartBody(boundary: string, args: readonly Param[], files: readonly FilePart[]): Uint8Array {
  const parts: Buffer[] = [];
  for (const a of args) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${a.name}"\r\n\r\n${a.value}\r\n`));
  }
  for (const f of files) {
    const type = f.mime || 'application/octet-stream';
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="${f.param}"; filename="${f.name}"\r\nContent-Type: ${type}\r\n\r\n`;
    parts.push(Buffer.from(head), Buffer.from(f.bytes), Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return new Uint8Array(Buffer.concat(parts));
}

function compileHeaders(
  config: ConfigScope,
  cx: CompileContext,
  el: JmxElement,
): (t: Thread) => Record<string, string> {
  const list = config.headers.flatMap((m) =>
    items(m, 'HeaderManager.headers').map((p) => {
      const h = bagOf(p);
      return { name: str(h, 'Header.name').trim(), value: cx.template(el, str(h, 'Header.value')) };
    }),
  );
  return (t) => {
    const out: Record<string, string> = {};
    const byLower = new Map<string, string>();
    for (const h of list) {
      if (h.name === '') continue;
      const prior = byLower.get(h.name.toLowerCase());
      if (prior !== undefined) delete out[prior];
      byLower.set(h.name.toLowerCase(), h.name);
      out[h.name] = h.value(t);
    }
    return out;
  };
}

function compileAuth(config: ConfigScope, cx: CompileContext, el: JmxElement) {
  const entries = config.auth.flatMap((m) =>
    items(m, 'AuthManager.auth_list').map((p) => {
      const a = bagOf(p);
      const mechanism = str(a, 'Authorization.mechanism', 'BASIC').toUpperCase();
      if (mechanism !== 'BASIC' && mechanism !== 'BASIC_DIGEST')
        cx.complain(m, `${mechanism} authorisation is not supported (BASIC is)`);
      return {
        url: cx.template(el, str(a, 'Authorization.url')),
        user: cx.template(el, str(a, 'Authorization.username')),
        password: cx.template(el, str(a, 'Authorization.password')),
      };
    }),
  );
  return (t: Thread, url: string, h: Record<string, string>) => {
    if (entries.length === 0 || hasHeader(h, 'authorization')) return;
    const hit = entries.find((e) => url.startsWith(e.url(t)));
    if (hit !== undefined)
      h.Authorization = `Basic ${Buffer.from(`${hit.user(t)}:${hit.password(t)}`).toString('base64')}`;
  };
}
