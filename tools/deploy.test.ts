/**
 * What can be checked here of the deployment files: the Kubernetes manifest (deploy/kubernetes/
 * agents.yaml) parses, has the right kinds, uses only fields the Kubernetes API types know, and
 * its container — args and env as Kubernetes would give them — is a `dlt agent` that really joins
 * a server; the agent image's recipe (deploy/agent.Dockerfile) starts from Node 24, copies what
 * exists, and its ENTRYPOINT + CMD, run here from the same files, is an agent that joins too;
 * and without Docker the image's own install (its build context in a temporary folder, its
 * `npm ci` line run there) gives an agent that joins.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, matchesGlob, relative } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { type RunningServer, startServer } from '@dlt/server';
import { dumpYaml, loadAllYaml } from '@kubernetes/client-node';
import { parse, parseAllDocuments } from 'yaml';

const root = join(import.meta.dirname, '..');
const manifest = readFileSync(join(root, 'deploy', 'kubernetes', 'agents.yaml'), 'utf8');
const dockerfile = readFileSync(join(root, 'deploy', 'agent.Dockerfile'), 'utf8');

let server: RunningServer;
let dataDir = '';
let token = '';
before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'dlt-deploy-'));
  server = await startServer({ dataDir, port: 0, adminPassword: 'deploy-test-password' });
  token = (await server.context.auth.issue({ name: 'deploy test', role: 'agent', kind: 'api', owner: 'admin' })).token;
});
after(async () => {
  await server?.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** Runs `argv` with exactly `env` (plus PATH), waits until an agent of `region` is connected, then stops it. */
async function joins(argv: string[], env: Record<string, string>, region: string): Promise<void> {
  const proc = spawn(argv[0], argv.slice(1), {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  proc.stderr.on('data', (d) => {
    err = (err + d).slice(-2000);
  });
  const exited = new Promise<number | null>((r) => proc.once('close', (code) => r(code)));
  try {
    const deadline = Date.now() + 20_000;
    while (server.context.hub.agents(region).length === 0) {
      if (proc.exitCode !== null) assert.fail(`the agent exited with ${proc.exitCode}: ${err}`);
      if (Date.now() > deadline) assert.fail(`no agent of region ${region} joined: ${err}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    proc.kill('SIGTERM');
  }
  assert.equal(await exited, 0, `SIGTERM stops the agent cleanly: ${err}`);
}

test('the manifest: a Namespace, a Secret and a Deployment, only fields the Kubernetes types know, consistent names', () => {
  const docs = parseAllDocuments(manifest).map((d) => {
    assert.deepEqual(d.errors, []);
    return d.toJS();
  });
  assert.deepEqual(
    docs.map((d) => `${d.apiVersion} ${d.kind}`),
    ['v1 Namespace', 'v1 Secret', 'apps/v1 Deployment'],
  );
  // Typed by the official client (unknown fields are dropped), then written back: nothing lost.
  assert.deepEqual(
    loadAllYaml(manifest).map((o) => parse(dumpYaml(o))),
    docs,
  );
  const [ns, secret, deploy] = docs;
  assert.equal(secret.metadata.namespace, ns.metadata.name);
  assert.equal(deploy.metadata.namespace, ns.metadata.name);
  assert.deepEqual(deploy.spec.selector.matchLabels, deploy.spec.template.metadata.labels);
  const [c] = deploy.spec.template.spec.containers;
  const ref = c.env.find((e: { name: string }) => e.name === 'DLT_TOKEN').valueFrom.secretKeyRef;
  assert.equal(ref.name, secret.metadata.name);
  assert.ok(ref.key in secret.stringData);
});

test('the manifest’s container, with the env Kubernetes gives it, is a dlt agent that joins the server', async () => {
  const deploy = parseAllDocuments(manifest)[2].toJS();
  const [c] = deploy.spec.template.spec.containers;
  const env: Record<string, string> = {};
  for (const e of c.env) env[e.name] = e.value ?? (e.valueFrom?.secretKeyRef ? token : '');
  env.DLT_SERVER = server.url; // the server as the pods would reach it
  // The image's entrypoint is `dlt`: node and the CLI's bin.
  await joins([process.execPath, join(root, 'packages', 'cli', 'src', 'bin.ts'), ...c.args], env, env.DLT_REGION);
});

/** The Dockerfile's instructions, continuation lines joined. */
function instructions(text: string): [string, string][] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((l) => l.trim() && !l.trim().startsWith('#'))
    .map((l) => {
      const m = /^\s*([A-Z]+)\s+(.*)$/.exec(l);
      assert.ok(m, `not an instruction: ${l}`);
      return [m[1], m[2].trim()];
    });
}

test('the image recipe: FROM node 24, COPY sources that exist, ENTRYPOINT + CMD running `dlt agent` from the copied files', async () => {
  const ins = instructions(dockerfile);
  const from = ins.filter(([k]) => k === 'FROM');
  assert.equal(from.length, 1);
  assert.match(from[0][1], /^node:24(-|$)/);
  const workdir = ins.find(([k]) => k === 'WORKDIR')?.[1];
  assert.ok(workdir);
  for (const [, args] of ins.filter(([k]) => k === 'COPY')) {
    const parts = args.split(/\s+/).filter((p) => !p.startsWith('--'));
    for (const src of parts.slice(0, -1)) assert.ok(existsSync(join(root, src)), `COPY ${src} exists`);
  }
  const entrypoint = JSON.parse(ins.find(([k]) => k === 'ENTRYPOINT')![1]) as string[];
  const cmd = JSON.parse(ins.find(([k]) => k === 'CMD')![1]) as string[];
  assert.equal(entrypoint[0], 'node');
  assert.ok(entrypoint[1].startsWith(`${workdir}/`), 'the entrypoint runs a file the image copied');
  const here = join(root, entrypoint[1].slice(workdir.length + 1));
  assert.ok(existsSync(here), `${here} exists`);
  assert.deepEqual(cmd, ['agent']);
  // The variables the recipe documents are those `dlt agent` reads.
  const help = await new Promise<string>((resolve) => {
    const p = spawn(process.execPath, [here, ...cmd, '--help'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    p.stdout.on('data', (d) => {
      out += d;
    });
    p.once('close', () => resolve(out));
  });
  for (const name of ['DLT_SERVER', 'DLT_TOKEN', 'DLT_REGION', 'DLT_SLOTS']) {
    assert.ok(dockerfile.includes(name) && help.includes(name), `${name} documented and read by dlt agent`);
  }
  await joins(
    [process.execPath, here, ...entrypoint.slice(2), ...cmd],
    { DLT_SERVER: server.url, DLT_TOKEN: token, DLT_REGION: 'docker' },
    'docker',
  );
});

test('the image’s own install: the build context (COPY less .dockerignore) and its npm ci line give an agent that joins', async () => {
  const ins = instructions(dockerfile);
  const workdir = ins.find(([k]) => k === 'WORKDIR')![1];
  const ignored = readFileSync(join(root, 'deploy', 'agent.Dockerfile.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const image = await mkdtemp(join(tmpdir(), 'dlt-image-'));
  try {
    // What `docker build` would copy: each COPY source, less what .dockerignore leaves out.
    for (const [, args] of ins.filter(([k]) => k === 'COPY')) {
      const parts = args.split(/\s+/).filter((p) => !p.startsWith('--'));
      const dest = parts.at(-1)!;
      for (const src of parts.slice(0, -1)) {
        const to = join(image, dest.endsWith('/') && !src.endsWith('/') ? join(dest, src) : dest);
        cpSync(join(root, src), to, {
          recursive: true,
          filter: (from) => !ignored.some((g) => matchesGlob(relative(root, from), g)),
        });
      }
    }
    assert.ok(!existsSync(join(image, 'packages', 'cli', 'node_modules')), 'node_modules is not copied');
    // The recipe's install, as written (the cache the checkout's install filled serves it).
    const npmRun = ins.find(([k, v]) => k === 'RUN' && v.startsWith('npm ci'));
    assert.ok(npmRun, 'the image installs with npm ci');
    const npmArgs = npmRun[1].split('&&')[0].trim().split(/\s+/).slice(1);
    const npm = join(dirname(process.execPath), 'npm');
    await promisify(execFile)(existsSync(npm) ? npm : 'npm', [...npmArgs, '--prefer-offline'], {
      cwd: image,
      env: { ...process.env, NODE_ENV: 'production', PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` },
      timeout: 180_000,
    });
    const entrypoint = JSON.parse(ins.find(([k]) => k === 'ENTRYPOINT')![1]) as string[];
    const cmd = JSON.parse(ins.find(([k]) => k === 'CMD')![1]) as string[];
    const bin = join(image, entrypoint[1].slice(workdir.length + 1));
    await joins(
      [process.execPath, bin, ...entrypoint.slice(2), ...cmd],
      { DLT_SERVER: server.url, DLT_TOKEN: token, DLT_REGION: 'image', NODE_ENV: 'production' },
      'image',
    );
  } finally {
    await rm(image, { recursive: true, force: true });
  }
});
