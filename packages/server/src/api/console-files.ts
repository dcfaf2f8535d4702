/**
 * Serves the built web console (`packages/console/dist`) at `/`: a file when the path names one,
 * else `index.html` so the single-page app's own routes (`/tests/abc`) survive a reload. Paths
 * under `/api` never reach it. Hashed assets are cached for good, `index.html` never.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';

const types: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

const notBuilt = `<!doctype html><meta charset="utf-8"><title>dlt</title>
<p>The web console is not built. Run <code>./dlt start</code> (it builds it), or
<code>npm run build -w @dlt/console</code>. The API is at <a href="/api/openapi.json">/api</a>.</p>`;

/** A file inside `root` for a URL path, or undefined when the path would leave it. */
export function fileFor(root: string, urlPath: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(urlPath.split('?')[0]);
  } catch {
    return undefined;
  }
  const file = normalize(join(root, path));
  return file === root || file.startsWith(root.endsWith(sep) ? root : root + sep) ? file : undefined;
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

/** Answers a GET or HEAD outside `/api` from the console's files; false when it is not one to answer. */
export async function serveConsole(root: string, req: FastifyRequest, reply: FastifyReply): Promise<boolean> {
  const path = req.url.split('?')[0];
  if ((req.method !== 'GET' && req.method !== 'HEAD') || path === '/api' || path.startsWith('/api/')) return false;
  const index = join(root, 'index.html');
  const asked = fileFor(root, path);
  const file = asked && (await isFile(asked)) ? asked : index;
  if (!(await isFile(file))) {
    reply.status(503).type(types['.html']).send(notBuilt);
    return true;
  }
  // A missing asset is a 404, not the app: a stale page asking for an old bundle must not get HTML.
  if (file === index && /\.[a-z0-9]+$/i.test(path) && !path.endsWith('.html')) return false;
  const immutable = file !== index && path.startsWith('/assets/');
  reply
    .type(types[extname(file)] ?? 'application/octet-stream')
    .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
    .header('x-content-type-options', 'nosniff')
    .send(await readFile(file));
  return true;
}
