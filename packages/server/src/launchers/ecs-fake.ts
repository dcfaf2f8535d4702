/**
 * A loopback Amazon ECS for tests, speaking the service's wire protocol (AWS JSON 1.1: `POST /`,
 * `X-Amz-Target: AmazonEC2ContainerServiceV20141113.<Operation>`, SigV4-signed — the signature
 * is checked against the fake's key pair), so the real `ECSClient` talks to it through
 * `endpoint`. It knows one cluster and one task definition, and answers RunTask (with ECS's
 * checks: count 1–10, awsvpc subnets, container override names), StopTask, DescribeTasks and
 * ListTasks. With a task runner it plays the container agent: each task runs the container's
 * command with its environment (the task definition's, then the overrides'), and StopTask sends
 * SIGTERM. Errors and capacity failures can be injected per operation.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { FakePodProcess } from './kubernetes-fake.ts';

/** What a task's container runs. */
export interface FakeTaskSpec {
  readonly taskArn: string;
  readonly command: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

export type TaskRunner = (task: FakeTaskSpec) => FakePodProcess;

// biome-ignore lint/suspicious/noExplicitAny: requests and tasks are kept as the wire carries them
type Obj = Record<string, any>;

export interface EcsFakeOptions {
  readonly cluster?: string;
  readonly taskDefinition?: string;
  readonly containerName?: string;
  /** The task definition's own environment. */
  readonly environment?: Readonly<Record<string, string>>;
}

const prefix = 'AmazonEC2ContainerServiceV20141113.';
const account = '123456789012';
const awsRegion = 'us-east-1';

export class EcsFake {
  /** The key pair requests must be signed with. */
  readonly credentials = { accessKeyId: 'AKIDDLTFAKE', secretAccessKey: randomBytes(20).toString('base64') };
  readonly requests: { operation: string; body: Obj }[] = [];
  readonly tasks = new Map<string, Obj>();
  readonly #o: Required<EcsFakeOptions>;
  readonly #server: Server;
  readonly #procs = new Map<string, FakePodProcess>();
  #errors = new Map<string, { status: number; type: string; message: string }>();
  #capacityFailure?: string;
  /** With a capacity failure: how many more tasks still find room (0: none). */
  #room = 0;
  #runner?: TaskRunner;
  url = '';

  private constructor(o: EcsFakeOptions) {
    this.#o = { cluster: 'dlt', taskDefinition: 'dlt-agent', containerName: 'agent', environment: {}, ...o };
    this.#server = createServer((req, res) => void this.#handle(req, res));
  }

  static async start(o: EcsFakeOptions = {}): Promise<EcsFake> {
    const fake = new EcsFake(o);
    await new Promise<void>((r) => fake.#server.listen(0, '127.0.0.1', r));
    fake.url = `http://127.0.0.1:${(fake.#server.address() as { port: number }).port}`;
    return fake;
  }

  runTasks(runner: TaskRunner | undefined): void {
    this.#runner = runner;
  }

  /** Answers `operation` with an error (e.g. 400 AccessDeniedException) until cleared. */
  fail(operation: string, status: number, type: string, message: string): void {
    this.#errors.set(operation, { status, type, message });
  }

  /**
   * RunTask reports this reason in `failures` (e.g. `RESOURCE:FARGATE`), one per task it could
   * not place; `room` tasks still start first (a partial failure), none by default.
   */
  failCapacity(reason: string | undefined, room = 0): void {
    this.#capacityFailure = reason;
    this.#room = room;
  }

  /** Tasks whose desired status is still RUNNING. */
  running(): Obj[] {
    return [...this.tasks.values()].filter((t) => t.desiredStatus === 'RUNNING');
  }

  async stop(): Promise<void> {
    for (const [arn, p] of this.#procs) {
      p.stop();
      await p.exited;
      this.#procs.delete(arn);
    }
    this.#server.closeAllConnections();
    await new Promise<void>((r) => this.#server.close(() => r()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const target = String(req.headers['x-amz-target'] ?? '');
    if (req.method !== 'POST' || req.url !== '/' || !target.startsWith(prefix)) {
      return error(res, 404, 'UnknownOperationException', `no operation ${target}`);
    }
    if (req.headers['content-type'] !== 'application/x-amz-json-1.1') {
      return error(res, 400, 'SerializationException', 'expected application/x-amz-json-1.1');
    }
    const auth = this.#checkSignature(req, raw);
    if (auth) return error(res, 403, 'InvalidSignatureException', auth);
    const operation = target.slice(prefix.length);
    let body: Obj;
    try {
      body = JSON.parse(raw.toString('utf8') || '{}');
    } catch {
      return error(res, 400, 'SerializationException', 'the body is not JSON');
    }
    this.requests.push({ operation, body });
    const injected = this.#errors.get(operation);
    if (injected) return error(res, injected.status, injected.type, injected.message);
    if (body.cluster !== undefined && body.cluster !== this.#o.cluster && body.cluster !== this.#clusterArn()) {
      return error(res, 400, 'ClusterNotFoundException', 'Cluster not found.');
    }
    switch (operation) {
      case 'RunTask':
        return this.#runTask(res, body);
      case 'StopTask': {
        const task = this.tasks.get(body.task);
        if (!task) return error(res, 400, 'InvalidParameterException', 'The referenced task was not found.');
        this.#stopTask(task, body.reason ?? 'Task stopped by user');
        return json(res, { task });
      }
      case 'DescribeTasks': {
        const arns: string[] = body.tasks ?? [];
        if (arns.length === 0 || arns.length > 100)
          return error(res, 400, 'InvalidParameterException', 'Tasks cannot be empty.');
        const found = arns.filter((a) => this.tasks.has(a));
        const failures = arns.filter((a) => !this.tasks.has(a)).map((arn) => ({ arn, reason: 'MISSING' }));
        return json(res, { tasks: found.map((a) => this.tasks.get(a)), failures });
      }
      case 'ListTasks': {
        const desired = body.desiredStatus ?? 'RUNNING';
        const all = [...this.tasks.values()].filter(
          (t) => t.desiredStatus === desired && (body.startedBy === undefined || t.startedBy === body.startedBy),
        );
        // Pages of 2 here (100 in ECS), so callers must follow nextToken.
        const from = Number(body.nextToken ?? 0);
        const page = all.slice(from, from + 2).map((t) => t.taskArn);
        return json(res, { taskArns: page, ...(from + 2 < all.length ? { nextToken: String(from + 2) } : {}) });
      }
      default:
        return error(res, 400, 'UnknownOperationException', `the fake does not know ${operation}`);
    }
  }

  #runTask(res: ServerResponse, b: Obj): undefined {
    const count = b.count ?? 1;
    const bad = (m: string) => error(res, 400, 'InvalidParameterException', m);
    if (!Number.isInteger(count) || count < 1 || count > 10) return bad('count must be between 1 and 10.');
    if (b.taskDefinition !== this.#o.taskDefinition)
      return error(res, 400, 'ClientException', 'Unable to find task definition.');
    if (typeof b.startedBy === 'string' && b.startedBy.length > 128)
      return bad('startedBy is longer than 128 characters.');
    const vpc = b.networkConfiguration?.awsvpcConfiguration;
    if (!vpc?.subnets?.length)
      return bad("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
    const overrides: Obj[] = b.overrides?.containerOverrides ?? [];
    const stray = overrides.find((o) => o.name !== this.#o.containerName);
    if (stray) return bad(`Override for container named ${stray.name} is not a container in the TaskDefinition.`);
    if (this.#capacityFailure) {
      const placed = Math.min(count, this.#room);
      this.#room -= placed;
      const tasks = Array.from({ length: placed }, () => this.#startTask(b, overrides[0]));
      const failures = Array.from({ length: count - placed }, () => ({
        arn: this.#clusterArn(),
        reason: this.#capacityFailure,
      }));
      return json(res, { tasks, failures });
    }
    const tasks = Array.from({ length: count }, () => this.#startTask(b, overrides[0]));
    return json(res, { tasks, failures: [] });
  }

  #startTask(b: Obj, override: Obj | undefined): Obj {
    const id = randomBytes(16).toString('hex');
    const taskArn = `arn:aws:ecs:${awsRegion}:${account}:task/${this.#o.cluster}/${id}`;
    const task: Obj = {
      taskArn,
      clusterArn: this.#clusterArn(),
      taskDefinitionArn: `arn:aws:ecs:${awsRegion}:${account}:task-definition/${this.#o.taskDefinition}:1`,
      launchType: b.launchType ?? 'EC2',
      startedBy: b.startedBy,
      overrides: b.overrides ?? {},
      lastStatus: 'PROVISIONING',
      desiredStatus: 'RUNNING',
      createdAt: Date.now() / 1000,
      containers: [{ name: this.#o.containerName, lastStatus: 'PENDING' }],
    };
    this.tasks.set(taskArn, task);
    if (this.#runner) {
      const env = { ...this.#o.environment };
      for (const e of override?.environment ?? []) env[e.name] = e.value;
      const proc = this.#runner({ taskArn, command: override?.command ?? [], env });
      this.#procs.set(taskArn, proc);
      task.lastStatus = 'RUNNING';
      task.containers[0].lastStatus = 'RUNNING';
      void proc.exited.then((code) => {
        this.#procs.delete(taskArn);
        if (task.desiredStatus === 'RUNNING') {
          task.stopCode = 'EssentialContainerExited';
          task.stoppedReason = 'Essential container in task exited';
        }
        Object.assign(task, { lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stoppedAt: Date.now() / 1000 });
        Object.assign(task.containers[0], { lastStatus: 'STOPPED', exitCode: code });
      });
    }
    return { ...task, containers: task.containers.map((c: Obj) => ({ ...c })) };
  }

  #stopTask(task: Obj, reason: string): void {
    if (task.desiredStatus === 'STOPPED') return;
    Object.assign(task, { desiredStatus: 'STOPPED', stopCode: 'UserInitiated', stoppedReason: reason });
    const proc = this.#procs.get(task.taskArn);
    if (proc) proc.stop();
    else Object.assign(task, { lastStatus: 'STOPPED', stoppedAt: Date.now() / 1000 });
  }

  #clusterArn(): string {
    return `arn:aws:ecs:${awsRegion}:${account}:cluster/${this.#o.cluster}`;
  }

  /** Checks the SigV4 signature as AWS does; returns why it is wrong, or undefined. */
  #checkSignature(req: IncomingMessage, body: Buffer): string | undefined {
    const m =
      /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([a-z0-9-]+)\/ecs\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(
        String(req.headers.authorization ?? ''),
      );
    if (!m) return 'Missing or malformed SigV4 Authorization header';
    const [, keyId, date, region, signed, signature] = m;
    if (keyId !== this.credentials.accessKeyId)
      return `The security token included in the request is invalid (${keyId})`;
    const amzDate = String(req.headers['x-amz-date'] ?? '');
    const headers = signed.split(';');
    const canonical = [
      'POST',
      '/',
      '',
      ...headers.map(
        (h) =>
          `${h}:${String(req.headers[h] ?? '')
            .trim()
            .replace(/\s+/g, ' ')}`,
      ),
      '',
      signed,
      createHash('sha256').update(body).digest('hex'),
    ].join('\n');
    const scope = `${date}/${region}/ecs/aws4_request`;
    const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonical).digest('hex')].join(
      '\n',
    );
    let key: Buffer = createHmac('sha256', `AWS4${this.credentials.secretAccessKey}`).update(date).digest();
    for (const part of [region, 'ecs', 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
    const expected = createHmac('sha256', key).update(toSign).digest('hex');
    return expected === signature
      ? undefined
      : 'The request signature we calculated does not match the signature you provided.';
  }
}

function json(res: ServerResponse, body: unknown): undefined {
  res.writeHead(200, {
    'content-type': 'application/x-amz-json-1.1',
    'x-amzn-requestid': randomBytes(8).toString('hex'),
  });
  res.end(JSON.stringify(body));
  return undefined;
}

function error(res: ServerResponse, status: number, type: string, message: string): undefined {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': type });
  res.end(JSON.stringify({ __type: type, message }));
  return undefined;
}
