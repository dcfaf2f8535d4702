/**
 * A loopback Kubernetes API for tests: the paths, verbs, bodies and `Status` errors of the real
 * API server for the few objects the kubernetes launcher uses (Secrets and Pods in core/v1, Jobs
 * in batch/v1), so the real `@kubernetes/client-node` talks to it through a kubeconfig. A Job
 * makes `parallelism` pods; with a pod runner the fake plays the kubelet: it resolves each pod's
 * env (values, `fieldRef`, `secretKeyRef` — a missing Secret leaves the pod waiting in
 * CreateContainerConfigError, as Kubernetes does), expands `$(VAR)` in command and args, runs it,
 * and sends SIGTERM when the Job is deleted. Errors can be injected per verb and path.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** What a pod runs, resolved as the kubelet would. */
export interface FakePodSpec {
  readonly name: string;
  readonly namespace: string;
  readonly image: string;
  readonly command?: readonly string[];
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

/** A running pod: the fake calls `stop` when the pod is deleted and awaits `exited`. */
export interface FakePodProcess {
  stop(): void;
  readonly exited: Promise<number>;
}

export type PodRunner = (pod: FakePodSpec) => FakePodProcess;

// biome-ignore lint/suspicious/noExplicitAny: the fake stores the objects as the client sent them
type Obj = Record<string, any>;

interface Failure {
  readonly method: string;
  readonly path: RegExp;
  readonly status: number;
  readonly message: string;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly body?: Obj;
}

const reasons: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'AlreadyExists',
  422: 'Invalid',
  500: 'InternalError',
};

export class KubernetesFake {
  readonly token = `fake-${randomBytes(8).toString('hex')}`;
  readonly requests: RecordedRequest[] = [];
  readonly secrets = new Map<string, Obj>();
  readonly jobs = new Map<string, Obj>();
  readonly pods = new Map<string, Obj>();
  /** Jobs ever created, in order (deleted ones included), keyed `namespace/name`. */
  readonly created: Obj[] = [];
  readonly #server: Server;
  readonly #procs = new Map<string, FakePodProcess>();
  #failures: Failure[] = [];
  #delays: { method: string; path: RegExp; ms: number }[] = [];
  #runner?: PodRunner;
  url = '';

  private constructor() {
    this.#server = createServer((req, res) => this.#handle(req, res));
  }

  static async start(): Promise<KubernetesFake> {
    const fake = new KubernetesFake();
    await new Promise<void>((r) => fake.#server.listen(0, '127.0.0.1', r));
    fake.url = `http://127.0.0.1:${(fake.#server.address() as { port: number }).port}`;
    return fake;
  }

  /** Writes a kubeconfig for the fake (namespace as the context's default) and returns its path. */
  writeKubeconfig(path: string, namespace = 'default'): string {
    const yaml = `apiVersion: v1
kind: Config
clusters: [{ name: fake, cluster: { server: "${this.url}", insecure-skip-tls-verify: true } }]
users: [{ name: tester, user: { token: "${this.token}" } }]
contexts: [{ name: fake, context: { cluster: fake, user: tester, namespace: ${namespace} } }]
current-context: fake
`;
    writeFileSync(path, yaml);
    return path;
  }

  /** Runs pods from now on with `runner` (none: pods stay Pending, as with no node to run them). */
  runPods(runner: PodRunner | undefined): void {
    this.#runner = runner;
  }

  /** Answers `method` on paths matching `path` with an error until `clearFailures`. */
  fail(method: string, path: RegExp, status: number, message: string): void {
    this.#failures.push({ method, path, status, message });
  }

  /** Holds requests of `method` on paths matching `path` for `ms` before answering (a slow API server). */
  delay(method: string, path: RegExp, ms: number): void {
    this.#delays.push({ method, path, ms });
  }

  clearFailures(): void {
    this.#failures = [];
  }

  /** Puts a pod's container in a waiting state (e.g. ImagePullBackOff). */
  setWaiting(podKey: string, reason: string, message: string): void {
    const pod = this.pods.get(podKey);
    if (pod)
      pod.status = {
        phase: 'Pending',
        containerStatuses: [{ name: 'agent', state: { waiting: { reason, message } } }],
      };
  }

  async stop(): Promise<void> {
    for (const key of [...this.pods.keys()]) await this.#deletePod(key);
    this.#server.closeAllConnections();
    await new Promise<void>((r) => this.#server.close(() => r()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: Obj | undefined;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      return status(res, 400, 'the body is not JSON');
    }
    const method = req.method ?? 'GET';
    this.requests.push({ method, path: url.pathname, query: url.search, ...(body ? { body } : {}) });
    if (req.headers.authorization !== `Bearer ${this.token}`) return status(res, 401, 'Unauthorized');
    const delay = this.#delays.find((d) => d.method === method && d.path.test(url.pathname));
    if (delay) await new Promise((r) => setTimeout(r, delay.ms));
    const failure = this.#failures.find((f) => f.method === method && f.path.test(url.pathname));
    if (failure) return status(res, failure.status, failure.message);
    const m = /^\/(?:api\/v1|apis\/batch\/v1)\/namespaces\/([a-z0-9-]+)\/(secrets|jobs|pods)(?:\/([a-z0-9.-]+))?$/.exec(
      url.pathname,
    );
    const group = url.pathname.startsWith('/apis/batch/v1') ? 'batch' : 'core';
    if (!m || (m[2] === 'jobs') !== (group === 'batch'))
      return status(res, 404, `the server could not find ${url.pathname}`);
    const [, ns, kind, name] = m;
    const store = kind === 'secrets' ? this.secrets : kind === 'jobs' ? this.jobs : this.pods;
    if (method === 'POST' && !name && kind !== 'pods') return this.#create(res, ns, kind, store, body);
    if (method === 'GET' && !name)
      return json(res, 200, this.#list(ns, kind, store, url.searchParams.get('labelSelector')));
    const key = `${ns}/${name}`;
    const obj = name ? store.get(key) : undefined;
    if (!obj) return status(res, 404, `${kind} "${name ?? ''}" not found`);
    if (method === 'GET') return json(res, 200, obj);
    if (method === 'DELETE') {
      store.delete(key);
      if (kind === 'jobs') {
        for (const [podKey, pod] of this.pods)
          if (pod.metadata.labels['job-name'] === name) void this.#deletePod(podKey);
      }
      return json(res, 200, { kind: 'Status', apiVersion: 'v1', status: 'Success', details: { name, kind } });
    }
    return status(res, 405, `${method} is not allowed here`);
  }

  #create(res: ServerResponse, ns: string, kind: string, store: Map<string, Obj>, body: Obj | undefined): undefined {
    const name = body?.metadata?.name;
    if (typeof name !== 'string' || !/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(name)) {
      return status(res, 422, `${kind} is invalid: metadata.name: Invalid value: ${JSON.stringify(name)}`);
    }
    const key = `${ns}/${name}`;
    if (store.has(key)) return status(res, 409, `${kind} "${name}" already exists`);
    const problem = kind === 'jobs' ? jobProblem(body!) : undefined;
    if (problem) return status(res, 422, `Job.batch "${name}" is invalid: ${problem}`);
    const obj: Obj = {
      ...body,
      metadata: {
        ...body!.metadata,
        namespace: ns,
        uid: randomBytes(8).toString('hex'),
        creationTimestamp: new Date().toISOString(),
      },
    };
    store.set(key, obj);
    if (kind === 'jobs') {
      this.created.push(obj);
      for (let i = 0; i < obj.spec.parallelism; i++) this.#createPod(ns, obj);
    }
    json(res, 201, obj);
    return undefined;
  }

  #list(ns: string, kind: string, store: Map<string, Obj>, selector: string | null): Obj {
    const want = (selector ?? '')
      .split(',')
      .filter(Boolean)
      .map((s) => s.split('='));
    const items = [...store.entries()]
      .filter(([k]) => k.startsWith(`${ns}/`))
      .map(([, v]) => v)
      .filter((o) => want.every(([k, v]) => o.metadata?.labels?.[k] === v));
    const listKind = { secrets: 'SecretList', jobs: 'JobList', pods: 'PodList' }[kind];
    return { kind: listKind, apiVersion: kind === 'jobs' ? 'batch/v1' : 'v1', metadata: {}, items };
  }

  #createPod(ns: string, job: Obj): void {
    const name = `${job.metadata.name}-${randomBytes(3).toString('hex').slice(0, 5)}`;
    const template = job.spec.template;
    const pod: Obj = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: ns, labels: { ...template.metadata?.labels, 'job-name': job.metadata.name } },
      spec: template.spec,
      status: { phase: 'Pending' },
    };
    const key = `${ns}/${name}`;
    this.pods.set(key, pod);
    if (!this.#runner) return;
    const c = template.spec.containers[0];
    const env: Record<string, string> = {};
    for (const e of c.env ?? []) {
      const v = this.#envValue(ns, pod, e);
      if (v === undefined) {
        pod.status = waiting('CreateContainerConfigError', `couldn't find key for env ${e.name}`);
        return;
      }
      env[e.name] = v;
    }
    const expand = (s: string) => s.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (all, n) => env[n] ?? all);
    const proc = this.#runner({
      name,
      namespace: ns,
      image: c.image,
      ...(c.command ? { command: c.command.map(expand) } : {}),
      args: (c.args ?? []).map(expand),
      env,
    });
    this.#procs.set(key, proc);
    pod.status = {
      phase: 'Running',
      containerStatuses: [{ name: c.name, state: { running: { startedAt: new Date().toISOString() } } }],
    };
    void proc.exited.then((code) => {
      this.#procs.delete(key);
      pod.status = {
        phase: code === 0 ? 'Succeeded' : 'Failed',
        containerStatuses: [
          { name: c.name, state: { terminated: { exitCode: code, reason: code === 0 ? 'Completed' : 'Error' } } },
        ],
      };
    });
  }

  #envValue(ns: string, pod: Obj, e: Obj): string | undefined {
    if (typeof e.value === 'string') return e.value;
    const field = e.valueFrom?.fieldRef?.fieldPath;
    if (field === 'metadata.name') return pod.metadata.name;
    if (field === 'metadata.namespace') return ns;
    const ref = e.valueFrom?.secretKeyRef;
    if (ref) {
      const s = this.secrets.get(`${ns}/${ref.name}`);
      const v =
        s?.stringData?.[ref.key] ??
        (s?.data?.[ref.key] ? Buffer.from(s.data[ref.key], 'base64').toString() : undefined);
      return v;
    }
    return undefined;
  }

  async #deletePod(key: string): Promise<void> {
    this.pods.delete(key);
    const proc = this.#procs.get(key);
    if (!proc) return;
    proc.stop();
    await proc.exited;
  }
}

/** What the real API server would refuse in a Job (the few rules a wrong launcher could break). */
function jobProblem(job: Obj): string | undefined {
  if (job.apiVersion !== 'batch/v1' || job.kind !== 'Job') return 'apiVersion/kind: must be batch/v1 Job';
  const spec = job.spec;
  if (!spec?.template?.spec) return 'spec.template.spec: Required value';
  if (!Number.isInteger(spec.parallelism) || spec.parallelism < 1)
    return 'spec.parallelism: must be a positive integer';
  if (spec.completions !== undefined && spec.completions < spec.parallelism)
    return 'spec.completions: less than parallelism';
  if (!['Never', 'OnFailure'].includes(spec.template.spec.restartPolicy)) {
    return 'spec.template.spec.restartPolicy: Unsupported value: must be "OnFailure" or "Never"';
  }
  const containers = spec.template.spec.containers;
  if (!Array.isArray(containers) || containers.length === 0) return 'spec.template.spec.containers: Required value';
  for (const [i, c] of containers.entries()) {
    if (!c.name || !c.image) return `spec.template.spec.containers[${i}]: name and image are required`;
  }
  const labels = spec.template.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(labels)) {
    if (typeof v !== 'string' || v.length > 63 || !/^([A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?)?$/.test(v)) {
      return `spec.template.metadata.labels: Invalid value: ${JSON.stringify(v)} for ${k}`;
    }
  }
  return undefined;
}

const waiting = (reason: string, message: string) => ({
  phase: 'Pending',
  containerStatuses: [{ name: 'agent', state: { waiting: { reason, message } } }],
});

function json(res: ServerResponse, code: number, body: unknown): undefined {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
  return undefined;
}

/** A `Status` error as the API server sends it. */
function status(res: ServerResponse, code: number, message: string): undefined {
  return json(res, code, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: reasons[code] ?? 'Unknown',
    code,
  });
}
