/**
 * The k6 API that dlt offers to scripts, as data: each built-in module with the names it
 * exports, which of them wait (and so make their callers asynchronous), and the globals of a
 * k6 script. The loader checks every import and member access against these tables before
 * anything runs, so an unsupported function is an error naming it and its line.
 */

/** The names a module exports (its default export is an object holding all of them). */
export const k6Modules = {
  k6: ['check', 'group', 'sleep', 'fail', 'randomSeed'],
  'k6/http': [
    'get',
    'post',
    'put',
    'patch',
    'del',
    'head',
    'options',
    'request',
    'batch',
    'file',
    'cookieJar',
    'asyncRequest',
    'url',
    'expectedStatuses',
    'setResponseCallback',
  ],
  'k6/data': ['SharedArray'],
  'k6/html': ['parseHTML'],
  'k6/metrics': ['Counter', 'Gauge', 'Rate', 'Trend'],
  'k6/crypto': ['md5', 'sha1', 'sha256', 'sha384', 'sha512', 'hmac', 'randomBytes'],
  'k6/encoding': ['b64encode', 'b64decode'],
  'k6/execution': ['vu', 'scenario', 'test', 'instance'],
} as const satisfies Record<string, readonly string[]>;
export type K6Module = keyof typeof k6Modules;

/** Functions that wait for the network or the clock: a caller of one becomes `async` and awaits it. */
export const waitingFunctions: Readonly<Record<string, readonly string[]>> = {
  k6: ['group', 'sleep'],
  'k6/http': ['get', 'post', 'put', 'patch', 'del', 'head', 'options', 'request', 'batch'],
};

/** Modules k6 has that dlt does not offer, with what to do instead. */
export const unsupportedModules: Readonly<Record<string, string>> = {
  'k6/ws': 'WebSockets are not supported yet',
  'k6/websockets': 'WebSockets are not supported yet',
  'k6/experimental/websockets': 'WebSockets are not supported yet',
  'k6/net/grpc': 'gRPC is not supported yet',
  'k6/browser': 'the browser module is not supported',
  'k6/experimental/browser': 'the browser module is not supported',
  'k6/timers': 'k6/timers is not supported yet',
  'k6/experimental/fs': 'k6/experimental/fs is not supported; use open() in the init context',
  'k6/secrets': 'k6/secrets is not supported; pass values with -e NAME=value and read __ENV',
};

/** Globals of a k6 script beside JavaScript's own built-ins. */
export const k6Globals = ['__VU', '__ITER', '__ENV', 'open', 'console'] as const;

/** Node and web globals that a k6 script cannot reach, refused before the script runs. */
export const refusedGlobals: Readonly<Record<string, string>> = {
  require: 'require() is not available in k6 scripts; use import',
  process: 'process is not available in k6 scripts; read -e values from __ENV',
  globalThis: 'globalThis is not available in dlt k6 scripts',
  global: 'global is not available in k6 scripts',
  module: 'module is not available in k6 scripts; use export',
  exports: 'exports is not available in k6 scripts; use export',
  __dirname: '__dirname is not available in k6 scripts',
  __filename: '__filename is not available in k6 scripts',
  Buffer: 'Buffer is not available in k6 scripts; use k6/encoding',
  setTimeout: 'setTimeout is not supported yet; use sleep()',
  setInterval: 'setInterval is not supported yet',
  fetch: 'fetch is not available in k6 scripts; use k6/http',
  XMLHttpRequest: 'XMLHttpRequest is not available in k6 scripts; use k6/http',
  WebSocket: 'WebSocket is not supported yet',
};

/** Identifiers the rewritten script uses for itself; a script may not use them. */
export const reservedPrefix = '__dlt';

/** Whether `name` is a module dlt offers. */
export function isK6Module(name: string): name is K6Module {
  return Object.hasOwn(k6Modules, name);
}
