/**
 * A per-thread cookie jar, as JMeter's Cookie Manager keeps one per thread: stores what
 * `Set-Cookie` headers say (domain, path, secure, expiry) and gives the `Cookie` header for a URL.
 */

interface Cookie {
  readonly name: string;
  readonly value: string;
  readonly domain: string;
  /** Set by the host itself without a Domain attribute: only that host gets it back. */
  readonly hostOnly: boolean;
  readonly path: string;
  readonly secure: boolean;
  /** Epoch ms, or Infinity for a session cookie. */
  readonly expires: number;
}

/** Cookies of one thread. */
export class CookieJar {
  #cookies: Cookie[] = [];

  /** Forgets every cookie (a new iteration when the plan says so). */
  clear(): void {
    this.#cookies = [];
  }

  /** Adds a cookie given by the plan (Cookie Manager's user-defined cookies). */
  add(name: string, value: string, domain: string, path: string, secure: boolean): void {
    this.#put({
      name,
      value,
      domain: domain.replace(/^\./, '').toLowerCase(),
      hostOnly: false,
      path: path || '/',
      secure,
      expires: Infinity,
    });
  }

  /** Stores the cookies of a response's `set-cookie` header (lines joined with "\n"). */
  store(url: URL, header: string | undefined, now = Date.now()): void {
    if (!header) return;
    for (const line of header.split('\n')) {
      const c = parse(line, url, now);
      if (c !== undefined) this.#put(c);
    }
  }

  /** The `Cookie` header value for `url`, or undefined when no cookie applies. */
  header(url: URL, now = Date.now()): string | undefined {
    const host = url.hostname.toLowerCase();
    const path = url.pathname || '/';
    this.#cookies = this.#cookies.filter((c) => c.expires > now);
    const fit = this.#cookies.filter(
      (c) =>
        (c.hostOnly ? host === c.domain : domainMatch(host, c.domain)) &&
        pathMatch(path, c.path) &&
        (!c.secure || url.protocol === 'https:'),
    );
    if (fit.length === 0) return undefined;
    fit.sort((a, b) => b.path.length - a.path.length);
    return fit.map((c) => `${c.name}=${c.value}`).join('; ');
  }

  #put(c: Cookie): void {
    this.#cookies = this.#cookies.filter((x) => !(x.name === c.name && x.domain === c.domain && x.path === c.path));
    this.#cookies.push(c);
  }
}

function parse(line: string, url: URL, now: number): Cookie | undefined {
  const [pair, ...attrs] = line.split(';');
  const eq = pair.indexOf('=');
  if (eq <= 0) return undefined;
  const host = url.hostname.toLowerCase();
  let domain = host;
  let hostOnly = true;
  let path = defaultPath(url.pathname);
  let secure = false;
  let expires = Infinity;
  for (const a of attrs) {
    const i = a.indexOf('=');
    const key = (i < 0 ? a : a.slice(0, i)).trim().toLowerCase();
    const value = i < 0 ? '' : a.slice(i + 1).trim();
    if (key === 'domain' && value) {
      domain = value.replace(/^\./, '').toLowerCase();
      hostOnly = false;
    } else if (key === 'path' && value.startsWith('/')) path = value;
    else if (key === 'secure') secure = true;
    else if (key === 'max-age' && /^-?\d+$/.test(value)) expires = now + Number(value) * 1000;
    else if (key === 'expires' && expires === Infinity) {
      const t = Date.parse(value);
      if (!Number.isNaN(t)) expires = t;
    }
  }
  // A server may not set cookies for a domain it is not part of.
  if (!hostOnly && !domainMatch(host, domain)) return undefined;
  return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), domain, hostOnly, path, secure, expires };
}

function domainMatch(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}

function pathMatch(path: string, cookiePath: string): boolean {
  if (path === cookiePath) return true;
  if (!path.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || path[cookiePath.length] === '/';
}

function defaultPath(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}
