/**
 * k6/http inside the script's sandbox: requests, batches, responses, cookies. Evaluated in the
 * sandbox's realm (never imported by Node): every object a script sees is made here, and what
 * the host returns is copied field by field, so no object of Node's realm reaches the script.
 */
// biome-ignore lint/correctness/noUnusedVariables: evaluated by the sandbox, which calls it by name.
function dltK6Http(host, util) {
  const { copyBytes, toText, durationMs, fail, afterWait } = util;
  const errorCodes = {
    timeout: 1050,
    dns: 1100,
    'connect-refused': 1212,
    reset: 1220,
    tls: 1300,
    protocol: 1400,
    aborted: 1000,
    other: 1000,
  };
  const statusTexts = {
    200: 'OK',
    201: 'Created',
    204: 'No Content',
    301: 'Moved Permanently',
    302: 'Found',
    304: 'Not Modified',
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
  };
  const jar = new Map();
  let defaultResponseType = 'text';
  let maxRedirects = 10;
  /** `http.setResponseCallback(http.expectedStatuses(…))`: the statuses that pass; null lets the status decide. */
  let responseCallback = null;

  /** The expected statuses as JSON for the host ('' when the status decides). */
  function expectedJson(callback) {
    if (callback === null || callback === undefined) return '';
    if (!(callback instanceof ExpectedStatuses))
      throw new Error('a response callback must come from http.expectedStatuses(…)');
    return JSON.stringify(callback.ranges);
  }

  /** `http.expectedStatuses(200, 404, { min: 500, max: 599 })`. */
  class ExpectedStatuses {
    constructor(items) {
      this.ranges = items.map((x) => {
        if (typeof x === 'number') return [x, x];
        if (x && typeof x === 'object' && typeof x.min === 'number' && typeof x.max === 'number') return [x.min, x.max];
        throw new Error('http.expectedStatuses takes status codes and { min, max } ranges');
      });
    }
  }

  function parseUrl(text) {
    const json = host.parseUrl(text);
    if (json === '') throw new Error(`invalid URL "${text}"`);
    return JSON.parse(json);
  }

  function canonical(name) {
    return name.replace(/(^|-)([a-z])/g, (_m, dash, c) => dash + c.toUpperCase());
  }

  function parseSetCookie(line, url) {
    const parts = line.split(';').map((p) => p.trim());
    const eq = parts[0].indexOf('=');
    if (eq <= 0) return undefined;
    const cookie = {
      name: parts[0].slice(0, eq),
      value: parts[0].slice(eq + 1),
      domain: url.hostname,
      path: '/',
      http_only: false,
      secure: false,
      max_age: 0,
      expires: 0,
    };
    for (const attr of parts.slice(1)) {
      const [k, v = ''] = attr.split('=');
      const key = k.toLowerCase();
      if (key === 'path') cookie.path = v || '/';
      else if (key === 'domain') cookie.domain = v.replace(/^\./, '');
      else if (key === 'httponly') cookie.http_only = true;
      else if (key === 'secure') cookie.secure = true;
      else if (key === 'max-age') cookie.max_age = Number(v);
    }
    return cookie;
  }

  function storeCookies(setCookie, url) {
    const out = {};
    if (!setCookie) return out;
    for (const line of setCookie.split('\n')) {
      const c = parseSetCookie(line, url);
      if (c === undefined) continue;
      out[c.name] = [...(out[c.name] ?? []), c];
      const key = `${c.domain}|${c.name}`;
      if (c.max_age < 0 || (c.max_age === 0 && /max-age=0/i.test(line))) jar.delete(key);
      else jar.set(key, c);
    }
    return out;
  }

  function cookieHeader(url, extra) {
    const pairs = new Map();
    for (const c of jar.values()) {
      const domainOk = url.hostname === c.domain || url.hostname.endsWith(`.${c.domain}`);
      if (domainOk && url.pathname.startsWith(c.path)) pairs.set(c.name, c.value);
    }
    for (const [k, v] of Object.entries(extra ?? {}))
      pairs.set(k, typeof v === 'object' && v !== null ? String(v.value) : String(v));
    return [...pairs].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /** `http.cookieJar()`: the VU's own jar, to read and set its cookies. */
  const vuJar = {
    cookiesForURL(target) {
      const url = parseUrl(String(target));
      const out = {};
      for (const c of jar.values()) {
        const domainOk = url.hostname === c.domain || url.hostname.endsWith(`.${c.domain}`);
        if (domainOk && url.pathname.startsWith(c.path)) out[c.name] = [...(out[c.name] ?? []), c.value];
      }
      return out;
    },
    set(target, name, value, options) {
      const url = parseUrl(String(target));
      const o = options ?? {};
      const cookie = {
        name: String(name),
        value: String(value),
        domain: o.domain ? String(o.domain).replace(/^\./, '') : url.hostname,
        path: o.path ? String(o.path) : '/',
        http_only: Boolean(o.http_only),
        secure: Boolean(o.secure),
        max_age: Number(o.max_age ?? 0),
        expires: 0,
      };
      jar.set(`${cookie.domain}|${cookie.name}`, cookie);
    },
    delete(target, name) {
      const url = parseUrl(String(target));
      for (const [key, c] of jar) if (c.name === String(name) && url.hostname.endsWith(c.domain)) jar.delete(key);
    },
    clear(target) {
      const url = parseUrl(String(target));
      for (const [key, c] of jar) if (url.hostname.endsWith(c.domain)) jar.delete(key);
    },
  };

  /** `http.file(data, filename, contentType)`: a file part of a multipart body. */
  class FileData {
    constructor(data, filename, contentType) {
      this.data = typeof data === 'string' ? data : copyBytes(data);
      this.filename = filename === undefined ? `file-${Date.now()}` : String(filename);
      this.content_type = contentType === undefined ? 'application/octet-stream' : String(contentType);
    }
  }

  /** UTF-8 bytes of a string, in this realm (no TextEncoder here). */
  function utf8(text) {
    const binary = unescape(encodeURIComponent(text));
    const out = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
    return out;
  }

  /** A multipart/form-data body of `obj`, whose FileData values are file parts. */
  function multipart(obj) {
    let boundary = '----dltFormBoundary';
    for (let i = 0; i < 16; i++) boundary += 'abcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(Math.random() * 36)];
    const chunks = [];
    for (const [name, value] of Object.entries(obj)) {
      const quoted = String(name).replace(/"/g, '%22');
      if (value instanceof FileData) {
        const file = value.filename.replace(/"/g, '%22');
        chunks.push(
          utf8(
            `--${boundary}\r\nContent-Disposition: form-data; name="${quoted}"; filename="${file}"\r\nContent-Type: ${value.content_type}\r\n\r\n`,
          ),
        );
        chunks.push(typeof value.data === 'string' ? utf8(value.data) : value.data);
        chunks.push(utf8('\r\n'));
      } else {
        chunks.push(
          utf8(`--${boundary}\r\nContent-Disposition: form-data; name="${quoted}"\r\n\r\n${String(value)}\r\n`),
        );
      }
    }
    chunks.push(utf8(`--${boundary}--\r\n`));
    const body = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of chunks) {
      body.set(c, at);
      at += c.length;
    }
    return { body, contentType: `multipart/form-data; boundary=${boundary}` };
  }

  function formEncode(obj) {
    return Object.entries(obj)
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
      .join('&');
  }

  function jsonPath(value, selector) {
    if (selector === undefined) return value;
    let cur = value;
    for (const part of String(selector).split('.')) {
      if (cur === undefined || cur === null) return undefined;
      if (part === '#' && Array.isArray(cur)) cur = cur.length;
      else cur = cur[part];
    }
    return cur;
  }

  /**
   * k6's Selection (a jQuery-like set of nodes): the nodes stay on the host, named by numbers;
   * every method asks the host and wraps what comes back in a new Selection of this realm.
   */
  class Selection {
    constructor(doc, ids) {
      this.doc = doc;
      this.ids = ids;
    }
    get length() {
      return this.ids.length;
    }
    size() {
      return this.ids.length;
    }
    _set(json) {
      return new Selection(this.doc, JSON.parse(json));
    }
    _read(what, arg) {
      return host.htmlRead(this.doc, JSON.stringify(this.ids), what, arg === undefined ? '' : String(arg));
    }
    find(selector) {
      return this._set(host.htmlFind(this.doc, JSON.stringify(this.ids), String(selector)));
    }
    text() {
      return this._read('text');
    }
    html() {
      return this._read('html');
    }
    attr(name, fallback) {
      const v = this._read('attr', name);
      return v === undefined ? fallback : v;
    }
    val() {
      return this._read('val');
    }
    nodeName() {
      return this._read('name');
    }
    children(selector) {
      return this._set(this._read('children', selector));
    }
    parent() {
      return this._set(this._read('parent'));
    }
    next(selector) {
      return this._set(this._read('next', selector));
    }
    prev(selector) {
      return this._set(this._read('prev', selector));
    }
    closest(selector) {
      return this._set(this._read('closest', selector));
    }
    filter(selector) {
      return this._set(this._read('filter', selector));
    }
    is(selector) {
      return this.filter(selector).size() > 0;
    }
    eq(i) {
      const n = i < 0 ? this.ids.length + i : i;
      return new Selection(this.doc, this.ids[n] === undefined ? [] : [this.ids[n]]);
    }
    get(i) {
      return this.eq(i);
    }
    first() {
      return this.eq(0);
    }
    last() {
      return this.eq(-1);
    }
    slice(start, end) {
      return new Selection(this.doc, this.ids.slice(start, end));
    }
    toArray() {
      return this.ids.map((id) => new Selection(this.doc, [id]));
    }
    each(fn) {
      this.toArray().forEach((s, i) => {
        fn(i, s);
      });
      return this;
    }
    map(fn) {
      return this.toArray().map((s, i) => fn(i, s));
    }
  }

  /** `k6/html` parseHTML: the document as a Selection of its root. */
  function parseHTML(text) {
    return new Selection(host.htmlParse(String(text)), [0]);
  }

  class Response {
    json(selector) {
      if (this.body === null || this.body === undefined) throw new Error('the response has no body to read as JSON');
      const text = typeof this.body === 'string' ? this.body : toText(this.body);
      return jsonPath(JSON.parse(text), selector);
    }

    html(selector) {
      const text =
        this.body === null || this.body === undefined
          ? ''
          : typeof this.body === 'string'
            ? this.body
            : toText(this.body);
      const doc = parseHTML(text);
      return selector === undefined ? doc : doc.find(selector);
    }

    clickLink() {
      throw new Error('res.clickLink() is not supported by dlt');
    }

    submitForm() {
      throw new Error('res.submitForm() is not supported by dlt');
    }
  }

  function makeResponse(raw, request, responseType) {
    const res = new Response();
    const headers = {};
    for (const name of Object.keys(raw.headers)) headers[canonical(name)] = String(raw.headers[name]);
    const url = parseUrl(String(raw.url));
    res.status = Number(raw.status);
    res.status_text = raw.status > 0 ? `${raw.status} ${statusTexts[raw.status] ?? ''}`.trim() : '';
    res.proto = raw.status > 0 ? 'HTTP/1.1' : '';
    res.url = String(raw.url);
    res.headers = headers;
    res.cookies = storeCookies(raw.headers['set-cookie'] === undefined ? '' : String(raw.headers['set-cookie']), url);
    if (responseType === 'none') res.body = null;
    else if (responseType === 'binary') res.body = raw.body === null ? null : copyBytes(raw.body).buffer;
    else res.body = raw.body === null ? '' : String(raw.body);
    const t = raw.timings;
    const waiting = Number(t.wait);
    const timings = {
      blocked: Number(t.blocked),
      looking_up: Number(t.dns),
      connecting: Number(t.connect),
      tls_handshaking: Number(t.tls),
      sending: Number(t.send),
      waiting,
      receiving: Number(t.receive),
    };
    timings.duration = timings.sending + timings.waiting + timings.receiving;
    res.timings = timings;
    res.error = raw.error === null ? '' : String(raw.errorMessage ?? raw.error);
    res.error_code = raw.error !== null ? (errorCodes[raw.error] ?? 1000) : res.status >= 400 ? 1000 + res.status : 0;
    res.request = request;
    return res;
  }

  class UrlTemplate {
    constructor(url, name) {
      this.url = url;
      this.name = name;
    }

    toString() {
      return this.url;
    }
  }

  function url(strings, ...values) {
    let text = strings[0];
    let name = strings[0];
    values.forEach((v, i) => {
      text += String(v) + strings[i + 1];
      name += `\${}${strings[i + 1]}`;
    });
    return new UrlTemplate(text, name);
  }

  function prepare(method, target, body, params) {
    const p = params ?? {};
    const rawUrl = target instanceof UrlTemplate ? target.url : String(target);
    const parsed = parseUrl(rawUrl);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw new Error(`unsupported URL scheme in "${rawUrl}"`);
    const headers = {};
    for (const [k, v] of Object.entries(p.headers ?? {})) headers[k.toLowerCase()] = String(v);
    let payload = null;
    if (body !== null && body !== undefined) {
      if (typeof body === 'string') payload = body;
      else if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) payload = copyBytes(body);
      else if (body instanceof FileData) {
        payload = body.data;
        headers['content-type'] ??= body.content_type;
      } else if (typeof body === 'object' && Object.values(body).some((v) => v instanceof FileData)) {
        const form = multipart(body);
        payload = form.body;
        headers['content-type'] ??= form.contentType;
      } else if (typeof body === 'object') {
        payload = formEncode(body);
        headers['content-type'] ??= 'application/x-www-form-urlencoded';
      } else payload = String(body);
    }
    const cookies = cookieHeader(parsed, p.cookies);
    if (cookies !== '' && headers.cookie === undefined) headers.cookie = cookies;
    const tags = p.tags ?? {};
    const label = tags.name !== undefined ? String(tags.name) : target instanceof UrlTemplate ? target.name : rawUrl;
    const responseType = p.responseType ?? defaultResponseType;
    if (!['text', 'binary', 'none'].includes(responseType))
      throw new Error(`responseType "${responseType}" is not text, binary or none`);
    const redirects = p.redirects ?? maxRedirects;
    const expected = expectedJson(p.responseCallback === undefined ? responseCallback : p.responseCallback);
    const timeoutMs = p.timeout === undefined ? undefined : durationMs(p.timeout, 'timeout');
    const request = {
      method,
      url: rawUrl,
      headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [canonical(k), [v]])),
      body: typeof payload === 'string' ? payload : '',
      cookies: {},
    };
    return { method, url: parsed.href, payload, headers, label, responseType, redirects, timeoutMs, expected, request };
  }

  async function send(r) {
    let raw;
    try {
      raw = await host.send(
        r.method,
        r.url,
        r.payload,
        r.headers,
        r.label,
        r.timeoutMs ?? -1,
        r.responseType,
        r.redirects,
        r.expected,
      );
    } catch (e) {
      throw new Error(`request failed: ${String(e?.message ?? e)}`);
    }
    afterWait();
    return makeResponse(raw, r.request, r.responseType);
  }

  function request(method, target, body, params) {
    return send(prepare(String(method).toUpperCase(), target, body, params));
  }

  function batchItem(item) {
    if (typeof item === 'string' || item instanceof UrlTemplate) return prepare('GET', item, null, {});
    if (Array.isArray(item)) return prepare(String(item[0]).toUpperCase(), item[1], item[2] ?? null, item[3] ?? {});
    if (item && typeof item === 'object')
      return prepare(String(item.method ?? 'GET').toUpperCase(), item.url, item.body ?? null, item.params ?? {});
    throw new Error(
      'http.batch: each request is a URL, an array [method, url, body, params] or an object { method, url, body, params }',
    );
  }

  async function batch(requests) {
    if (Array.isArray(requests)) return Promise.all(requests.map((r) => send(batchItem(r))));
    if (requests && typeof requests === 'object') {
      const keys = Object.keys(requests);
      const done = await Promise.all(keys.map((k) => send(batchItem(requests[k]))));
      return Object.fromEntries(keys.map((k, i) => [k, done[i]]));
    }
    throw new Error('http.batch takes an array or an object of requests');
  }

  const http = {
    get: (u, params) => request('GET', u, null, params),
    head: (u, params) => request('HEAD', u, null, params),
    post: (u, body, params) => request('POST', u, body, params),
    put: (u, body, params) => request('PUT', u, body, params),
    patch: (u, body, params) => request('PATCH', u, body, params),
    del: (u, body, params) => request('DELETE', u, body, params),
    options: (u, body, params) => request('OPTIONS', u, body, params),
    request,
    file: (data, filename, contentType) => new FileData(data, filename, contentType),
    cookieJar: () => vuJar,
    asyncRequest: request,
    batch,
    url,
    expectedStatuses: (...items) => new ExpectedStatuses(items),
    setResponseCallback: (cb) => {
      expectedJson(cb);
      responseCallback = cb ?? null;
    },
  };
  return {
    http,
    html: { parseHTML },
    configure(options) {
      if (options.discardResponseBodies === true) defaultResponseType = 'none';
      if (typeof options.maxRedirects === 'number') maxRedirects = options.maxRedirects;
    },
    fail,
  };
}
