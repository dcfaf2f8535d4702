// dlt's own URL and URLSearchParams for scripts importing jslib.k6.io/url (k6 has no such
// globals): WHATWG-like for the absolute http(s) URLs and query strings load tests build.

function encode(s) {
  return encodeURIComponent(s).replace(/%20/g, '+');
}

function decode(s) {
  return decodeURIComponent(s.replace(/\+/g, ' '));
}

export class URLSearchParams {
  constructor(init = '') {
    this._list = [];
    this._onChange = undefined;
    if (typeof init === 'string') {
      for (const part of init.replace(/^\?/, '').split('&')) {
        if (part === '') continue;
        const i = part.indexOf('=');
        this._list.push(i < 0 ? [decode(part), ''] : [decode(part.slice(0, i)), decode(part.slice(i + 1))]);
      }
    } else if (Array.isArray(init)) {
      for (const [k, v] of init) this._list.push([String(k), String(v)]);
    } else if (init && typeof init === 'object') {
      for (const k of Object.keys(init)) this._list.push([k, String(init[k])]);
    }
  }
  _changed() {
    if (this._onChange) this._onChange(this.toString());
  }
  append(name, value) {
    this._list.push([String(name), String(value)]);
    this._changed();
  }
  delete(name) {
    this._list = this._list.filter(([k]) => k !== name);
    this._changed();
  }
  get(name) {
    const hit = this._list.find(([k]) => k === name);
    return hit === undefined ? null : hit[1];
  }
  getAll(name) {
    return this._list.filter(([k]) => k === name).map(([, v]) => v);
  }
  has(name) {
    return this._list.some(([k]) => k === name);
  }
  set(name, value) {
    const i = this._list.findIndex(([k]) => k === name);
    if (i < 0) this._list.push([String(name), String(value)]);
    else
      this._list = this._list
        .filter(([k], j) => k !== name || j === i)
        .map((e, j) => (j === i ? [e[0], String(value)] : e));
    this._changed();
  }
  sort() {
    this._list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    this._changed();
  }
  forEach(fn) {
    for (const [k, v] of this._list) fn(v, k, this);
  }
  keys() {
    return this._list.map(([k]) => k)[Symbol.iterator]();
  }
  values() {
    return this._list.map(([, v]) => v)[Symbol.iterator]();
  }
  entries() {
    return this._list.map((e) => [e[0], e[1]])[Symbol.iterator]();
  }
  [Symbol.iterator]() {
    return this.entries();
  }
  toString() {
    return this._list.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&');
  }
}

const pattern =
  /^([a-zA-Z][a-zA-Z0-9+.-]*:)\/\/(?:([^:@/]*)(?::([^@/]*))?@)?(\[[^\]]+\]|[^:/?#]*)(?::(\d*))?([^?#]*)(\?[^#]*)?(#.*)?$/;
const defaultPorts = { 'http:': '80', 'https:': '443' };

export class URL {
  constructor(url, base) {
    let text = String(url);
    if (base !== undefined && !pattern.test(text)) {
      const b = new URL(base);
      text = text.startsWith('/') ? `${b.origin}${text}` : `${b.origin}${b.pathname.replace(/[^/]*$/, '')}${text}`;
    }
    const m = pattern.exec(text);
    if (m === null) throw new TypeError(`Invalid URL: ${text}`);
    this.protocol = m[1].toLowerCase();
    this.username = m[2] || '';
    this.password = m[3] || '';
    this.hostname = m[4].toLowerCase();
    this.port = m[5] && m[5] !== defaultPorts[this.protocol] ? m[5] : '';
    this.pathname = m[6] || '/';
    this.hash = m[8] || '';
    this.searchParams = new URLSearchParams(m[7] || '');
    this.searchParams._onChange = () => {};
  }
  get host() {
    return this.port ? `${this.hostname}:${this.port}` : this.hostname;
  }
  get origin() {
    return `${this.protocol}//${this.host}`;
  }
  get search() {
    const q = this.searchParams.toString();
    return q ? `?${q}` : '';
  }
  set search(value) {
    this.searchParams = new URLSearchParams(String(value));
  }
  get href() {
    const auth = this.username ? `${this.username}${this.password ? `:${this.password}` : ''}@` : '';
    return `${this.protocol}//${auth}${this.host}${this.pathname}${this.search}${this.hash}`;
  }
  toString() {
    return this.href;
  }
  toJSON() {
    return this.href;
  }
}
