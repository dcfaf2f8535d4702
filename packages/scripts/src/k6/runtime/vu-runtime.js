/**
 * One VU's k6 runtime inside the script's sandbox: the k6 modules, the globals a module factory
 * is given, the loop guard and the awaiting array helper. Evaluated in the sandbox's realm
 * (never imported by Node). `host` is the only way out; it is held in closures, never handed to
 * the script, and what it returns is copied into objects of this realm.
 */
// biome-ignore lint/correctness/noUnusedVariables: evaluated by the sandbox, which calls it by name.
function dltK6Runtime(host, shared, makeHttp) {
  const guardEvery = 1024;
  let guardCount = 0;
  let sliceStart = host.now();
  let phase = 'init';
  const iterationListeners = [];
  const loaded = new Map();

  class Interrupted extends Error {}

  function stopIfAborted() {
    if (host.aborted()) throw new Interrupted('the VU was stopped');
  }

  function afterWait() {
    sliceStart = host.now();
    stopIfAborted();
  }

  function guard() {
    if (++guardCount % guardEvery !== 0) return;
    stopIfAborted();
    const budget = host.budgetMs();
    if (host.now() - sliceStart > budget) {
      throw new Error(
        `the script ran for more than ${budget / 1000} s without waiting on a request or a sleep; stopped`,
      );
    }
  }

  function copyBytes(x) {
    if (x instanceof ArrayBuffer) return new Uint8Array(x.slice(0));
    if (ArrayBuffer.isView(x)) return new Uint8Array(x.buffer.slice(x.byteOffset, x.byteOffset + x.byteLength));
    return new Uint8Array(x);
  }

  function toText(bytes) {
    return host.decodeText(copyBytes(bytes));
  }

  function durationMs(v, what) {
    if (typeof v === 'number') return v;
    const ms = host.durationMs(String(v));
    if (ms < 0) throw new Error(`${what}: "${v}" is not a duration such as 10s or 500ms`);
    return ms;
  }

  function fail(message) {
    throw new Error(message === undefined ? 'fail() was called' : String(message));
  }

  function format(args) {
    return args
      .map((a) => {
        if (typeof a === 'string') return a;
        if (a instanceof Error) return a.stack ?? String(a);
        try {
          return typeof a === 'object' && a !== null ? JSON.stringify(a) : String(a);
        } catch {
          return String(a);
        }
      })
      .join(' ');
  }

  const console = Object.freeze({
    log: (...a) => host.log('info', format(a)),
    info: (...a) => host.log('info', format(a)),
    debug: (...a) => host.log('debug', format(a)),
    warn: (...a) => host.log('warn', format(a)),
    error: (...a) => host.log('error', format(a)),
  });

  const util = { copyBytes, toText, durationMs, fail, afterWait };
  const httpParts = makeHttp(host, util);

  let groupPath = '';
  async function group(name, fn) {
    const outer = groupPath;
    groupPath = `${outer}::${name}`;
    try {
      return await fn();
    } finally {
      groupPath = outer;
    }
  }

  function check(value, checks, _tags) {
    let all = true;
    for (const name of Object.keys(checks ?? {})) {
      const c = checks[name];
      let ok;
      try {
        ok = Boolean(typeof c === 'function' ? c(value) : c);
      } catch (e) {
        host.check(name, false);
        throw e;
      }
      host.check(name, ok);
      all &&= ok;
    }
    return all;
  }

  async function sleep(seconds) {
    await host.sleep(Number(seconds) * 1000);
    afterWait();
  }

  function initOnly(what) {
    if (phase !== 'init') throw new Error(`${what} is only available in the init context (outside functions)`);
  }

  class Metric {
    constructor(name, type, isTime) {
      initOnly(`new ${type[0].toUpperCase()}${type.slice(1)}()`);
      this.name = String(name);
      this.type = type;
      host.declareMetric(this.name, type, Boolean(isTime));
    }

    add(value, _tags) {
      if (phase === 'init') throw new Error(`${this.name}.add() cannot be called in the init context`);
      const n = this.type === 'rate' ? (value ? 1 : 0) : Number(value);
      host.metric(this.name, this.type, n);
      return true;
    }
  }

  const deepFreeze = (v) => {
    if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
      Object.freeze(v);
      for (const k of Object.keys(v)) deepFreeze(v[k]);
    }
    return v;
  };

  class SharedArray {
    constructor(name, fn) {
      initOnly('new SharedArray()');
      const key = String(name);
      if (!shared.arrays.has(key)) {
        const value = fn();
        if (!Array.isArray(value)) throw new Error(`SharedArray ${key}: the function must return an array`);
        shared.arrays.set(key, deepFreeze(value));
      }
      // biome-ignore lint/correctness/noConstructorReturn: k6's SharedArray is read like the array itself.
      return shared.arrays.get(key);
    }
  }

  const encodings = ['hex', 'base64', 'base64url', 'base64rawurl', 'binary'];
  function digest(alg, data, encoding, key) {
    const enc = encoding ?? 'hex';
    if (!encodings.includes(enc)) throw new Error(`output encoding "${enc}" is not one of ${encodings.join(', ')}`);
    const input = typeof data === 'string' ? data : copyBytes(data);
    const k = key === undefined ? undefined : typeof key === 'string' ? key : copyBytes(key);
    const out = host.digest(alg, input, enc === 'binary' ? 'binary' : enc, k);
    return enc === 'binary' ? copyBytes(out).buffer : String(out);
  }

  const crypto = {
    md5: (d, e) => digest('md5', d, e),
    sha1: (d, e) => digest('sha1', d, e),
    sha256: (d, e) => digest('sha256', d, e),
    sha384: (d, e) => digest('sha384', d, e),
    sha512: (d, e) => digest('sha512', d, e),
    hmac: (alg, key, d, e) => digest(String(alg), d, e, key),
    randomBytes: (n) => copyBytes(host.randomBytes(Number(n))).buffer,
  };

  const encoding = {
    b64encode: (input, variant) =>
      String(host.b64encode(typeof input === 'string' ? input : copyBytes(input), variant ?? 'std')),
    b64decode: (input, variant, format) => {
      const out = host.b64decode(String(input), variant ?? 'std');
      const bytes = copyBytes(out);
      return format === 's' ? toText(bytes) : bytes.buffer;
    },
  };

  const execution = {
    vu: {
      get idInInstance() {
        return host.vuId();
      },
      get idInTest() {
        return host.vuId();
      },
      get iterationInInstance() {
        return host.iteration();
      },
      get iterationInScenario() {
        return host.iteration();
      },
      tags: {},
      metrics: { tags: {} },
    },
    scenario: {
      get name() {
        return String(host.scenario());
      },
      get iterationInInstance() {
        return host.iteration();
      },
      get iterationInTest() {
        return host.iteration();
      },
    },
    instance: {
      get vusActive() {
        return 0;
      },
    },
    test: {
      abort(message) {
        host.abortTest(message === undefined ? 'test.abort() was called' : String(message));
        throw new Interrupted(message === undefined ? 'test aborted' : String(message));
      },
      get options() {
        return JSON.parse(host.optionsJson());
      },
    },
  };

  const randomSeed = () => host.log('warn', 'randomSeed() is ignored by dlt');

  const k6 = { check, group, sleep, fail, randomSeed };
  const moduleObjects = {
    k6,
    'k6/http': httpParts.http,
    'k6/data': { SharedArray },
    'k6/html': httpParts.html,
    'k6/metrics': {
      Counter: class Counter extends Metric {
        constructor(name) {
          super(name, 'counter', false);
        }
      },
      Gauge: class Gauge extends Metric {
        constructor(name, isTime) {
          super(name, 'gauge', isTime);
        }
      },
      Rate: class Rate extends Metric {
        constructor(name) {
          super(name, 'rate', false);
        }
      },
      Trend: class Trend extends Metric {
        constructor(name, isTime) {
          super(name, 'trend', isTime);
        }
      },
    },
    'k6/crypto': crypto,
    'k6/encoding': encoding,
    'k6/execution': execution,
  };

  async function arrayCall(target, method, ...args) {
    const fn = args[0];
    if (!Array.isArray(target)) {
      if (target instanceof Map || target instanceof Set) {
        for (const [k, v] of target.entries()) await fn(v, k, target);
        return undefined;
      }
      return target[method](...args);
    }
    const list = target.slice();
    switch (method) {
      case 'forEach':
        for (let i = 0; i < list.length; i++) await fn.call(args[1], list[i], i, target);
        return undefined;
      case 'map':
      case 'flatMap': {
        const out = [];
        for (let i = 0; i < list.length; i++) out.push(await fn.call(args[1], list[i], i, target));
        return method === 'map' ? out : out.flat();
      }
      case 'filter': {
        const out = [];
        for (let i = 0; i < list.length; i++) if (await fn.call(args[1], list[i], i, target)) out.push(list[i]);
        return out;
      }
      case 'some':
      case 'every':
      case 'find':
      case 'findIndex':
        for (let i = 0; i < list.length; i++) {
          const ok = Boolean(await fn.call(args[1], list[i], i, target));
          if (method === 'every' && !ok) return false;
          if (ok && method !== 'every') return method === 'some' ? true : method === 'find' ? list[i] : i;
        }
        return method === 'every' ? true : method === 'some' ? false : method === 'find' ? undefined : -1;
      case 'findLast':
      case 'findLastIndex':
        for (let i = list.length - 1; i >= 0; i--) {
          if (await fn.call(args[1], list[i], i, target)) return method === 'findLast' ? list[i] : i;
        }
        return method === 'findLast' ? undefined : -1;
      case 'reduce':
      case 'reduceRight': {
        const order = list.map((_, i) => i);
        if (method === 'reduceRight') order.reverse();
        let acc;
        let start = 0;
        if (args.length > 1) acc = args[1];
        else {
          if (order.length === 0) throw new TypeError('Reduce of empty array with no initial value');
          acc = list[order[0]];
          start = 1;
        }
        for (let j = start; j < order.length; j++) acc = await fn(acc, list[order[j]], order[j], target);
        return acc;
      }
      default:
        return target[method](...args);
    }
  }

  function namespace(obj) {
    return Object.freeze({ ...obj, default: obj });
  }
  const namespaces = new Map(Object.keys(moduleObjects).map((k) => [k, namespace(moduleObjects[k])]));

  const env = JSON.parse(host.envJson());
  const rt = {
    __VU: host.vuId(),
    __ENV: env,
    console,
    __dlt_g: guard,
    __dlt_arr: arrayCall,
    open(path, mode, from) {
      initOnly('open()');
      const binary = mode === 'b';
      if (mode !== undefined && mode !== 'b' && mode !== 'r')
        throw new Error(`open(): mode "${mode}" is not "b" or "r"`);
      const out = host.open(String(path), binary, String(from));
      return binary ? copyBytes(out).buffer : String(out);
    },
    onIteration(fn) {
      iterationListeners.push(fn);
    },
  };

  function load(spec) {
    const ns = namespaces.get(spec);
    if (ns !== undefined) return Promise.resolve(ns);
    let p = loaded.get(spec);
    if (p === undefined) {
      const factory = host.factory(spec);
      p = factory(rt, load);
      loaded.set(spec, p);
    }
    return p;
  }

  return {
    load,
    parseJson: (text) => (text === undefined ? undefined : JSON.parse(text)),
    setPhase(p) {
      phase = p;
      sliceStart = host.now();
      if (p === 'vu') httpParts.configure(JSON.parse(host.optionsJson()));
    },
    setIteration(n) {
      sliceStart = host.now();
      for (const fn of iterationListeners) fn(n);
    },
    isInterruption: (e) => e instanceof Interrupted,
    describe(e) {
      if (e instanceof Error) return { message: String(e.message), stack: String(e.stack ?? '') };
      return { message: format([e]), stack: '' };
    },
  };
}
