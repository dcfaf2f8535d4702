/**
 * `dlt convert`: a JMeter plan written as a simple YAML test. The converted test, run with
 * `dlt run` against a loopback target that records every request, sends exactly what the plan
 * sends (methods, paths, queries, bodies, headers, counts, labels); what cannot be carried over
 * is listed with its tree path and the exit code says so.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { RunSummary } from '@dlt/model';
import { parse } from 'yaml';
import { runDlt } from './helpers.ts';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'convert');

/** A target that records each request as `METHOD url body x-plan content-type`. */
async function recordingTarget() {
  const seen: string[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      seen.push(
        [req.method, req.url, body, req.headers['x-plan'] ?? '-', req.headers['content-type'] ?? '-'].join(' '),
      );
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    async [Symbol.asyncDispose]() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Runs `file` with dlt against the target; returns what it received (sorted) and the summary. */
async function sent(dir: string, file: string, extra: string[] = []) {
  await using target = await recordingTarget();
  const out = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  const r = await runDlt(['run', file, '-q', '-o', `json=${out}`, '-e', `port=${target.port}`, ...extra]);
  assert.equal(r.code, 0, r.stderr);
  const summary = JSON.parse(await readFile(out, 'utf8')) as RunSummary;
  return { requests: [...target.seen].sort(), summary, port: target.port };
}

test('a plan that converts completely sends the same requests as YAML as it does as JMX', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dlt-convert-'));
  try {
    // The plan names its target's port; each run gets its own target, so the plan is written per port.
    const template = await readFile(join(fixtures, 'complete.jmx'), 'utf8');
    await using target = await recordingTarget();
    const plan = join(dir, 'complete.jmx');
    await writeFile(plan, template.replaceAll('@PORT@', String(target.port)));
    const yaml = join(dir, 'complete.yaml');
    const c = await runDlt(['convert', plan, '--to', 'yaml', '-o', yaml]);
    assert.equal(c.code, 0, c.stderr);
    assert.equal(c.stderr, '');
    const def = parse(await readFile(yaml, 'utf8'));
    assert.deepEqual(
      def.execution.map((e: Record<string, unknown>) => [e.concurrency, e.iterations, e.scenario]),
      [
        [2, 3, 'Browsers'],
        [1, 2, 'Api'],
      ],
    );
    assert.equal(def.scenarios.Browsers['default-address'], `http://127.0.0.1:${target.port}`);

    const run = async (file: string) => {
      const out = join(dir, `${Math.random().toString(36).slice(2)}.json`);
      const before = target.seen.length;
      const r = await runDlt(['run', file, '-q', '-o', `json=${out}`]);
      assert.equal(r.code, 0, r.stderr);
      const summary = JSON.parse(await readFile(out, 'utf8')) as RunSummary;
      return { requests: target.seen.slice(before).sort(), summary };
    };
    const fromJmx = await run(plan);
    const fromYaml = await run(yaml);
    assert.equal(fromJmx.requests.length, 2 * 3 * 5 + 2);
    assert.deepEqual(fromYaml.requests, fromJmx.requests);
    assert.ok(fromJmx.requests.includes(`PUT /api/orders {"item": "book"} outer application/json`));
    assert.ok(fromJmx.requests.includes('POST /login user=ann&pass=secret outer application/x-www-form-urlencoded'));
    assert.ok(fromJmx.requests.includes('GET /api/home?q=a+b  outer -'));
    const labels = (s: RunSummary) => Object.entries(s.labels).map(([k, v]) => [k, v.requests]);
    assert.deepEqual(labels(fromYaml.summary).sort(), labels(fromJmx.summary).sort());
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('what a plan holds beyond the simple format is listed with its tree path, and the exit code is 3', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dlt-convert-'));
  try {
    const yaml = join(dir, 'partial.yaml');
    const c = await runDlt(['convert', join(fixtures, 'partial.jmx'), '-o', yaml]);
    assert.equal(c.code, 3, c.stderr);
    assert.match(c.stderr, /5 things were not carried over/);
    assert.match(c.stderr, /^ {2}CSVDataSet "users": CSV data is not carried over$/m);
    assert.match(c.stderr, /ThreadGroup "Shop" > IfController "has token": .*left out/);
    assert.match(c.stderr, /> HTTPSamplerProxy "login" > RegexExtractor "token": extracted variables/);
    assert.match(c.stderr, /HTTPSamplerProxy "login": uses \$\{user\}/);
    const def = parse(await readFile(yaml, 'utf8'));
    assert.equal(def.scenarios.Shop['default-address'], `http://\${host:-127.0.0.1}:\${port:-8080}`);
    // The converted test runs: __P became a variable, set here with -e.
    const { requests } = await sent(dir, yaml);
    assert.deepEqual(requests, [`POST /login?user=\${user}  - -`]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a simple k6 script converts: the YAML sends what the script sends; checks and logic are listed', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dlt-convert-'));
  try {
    const script = join(dir, 'shop.js');
    await writeFile(script, await readFile(join(fixtures, 'k6-shop.js')));
    const yaml = join(dir, 'shop.yaml');
    const c = await runDlt(['convert', script, '-o', yaml]);
    assert.equal(c.code, 3, c.stderr);
    assert.match(c.stderr, /shop\.js:16: `check\(res, .*checks are not carried over/);
    assert.match(c.stderr, /shop\.js:24: `if \(res\.status === 200\).*this statement is not carried over/);
    assert.match(c.stderr, /the threshold on checks is not carried over/);
    await using target = await recordingTarget();
    const base = ['-e', `BASE=http://127.0.0.1:${target.port}`, '-q'];
    const out = (name: string) => ['-o', `json=${join(dir, name)}`];
    const fromScript = await runDlt(['run', script, ...base, ...out('script.json')]);
    assert.equal(fromScript.code, 0, fromScript.stderr);
    const scriptSent = target.seen.splice(0).sort();
    const fromYaml = await runDlt(['run', yaml, ...base, ...out('yaml.json')]);
    assert.equal(fromYaml.code, 0, fromYaml.stderr);
    const yamlSent = target.seen.splice(0).sort();
    // The script also sends the request under its `if`, which the YAML leaves out (it is listed).
    const never = scriptSent.filter((r) => r.startsWith('GET /never'));
    assert.equal(never.length, 6);
    assert.deepEqual(
      yamlSent,
      scriptSent.filter((r) => !r.startsWith('GET /never')),
    );
    assert.ok(yamlSent.includes('POST /cart {"id":1} - application/json'));
    assert.ok(yamlSent.includes('PUT /cart/1 qty=2 - application/x-www-form-urlencoded'));
    assert.equal(yamlSent.length, 6 * 4);
    const labels = async (name: string) =>
      Object.keys((JSON.parse(await readFile(join(dir, name), 'utf8')) as RunSummary).labels).sort();
    const url = `http://127.0.0.1:${target.port}`;
    assert.deepEqual(await labels('yaml.json'), [`${url}/cart`, `${url}/cart/1`, 'items']);
    assert.deepEqual(await labels('script.json'), [...(await labels('yaml.json')), `${url}/never`].sort());
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('other formats and bad flags are refused clearly (exit 2)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dlt-convert-'));
  try {
    const script = join(dir, 'script.js');
    await writeFile(script, 'export default function () { while (true) {} }\n');
    const none = await runDlt(['convert', script, '--to', 'yaml']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /nothing in the script converts/);
    const py = await runDlt(['convert', join(dir, 'locustfile.py')]);
    assert.equal(py.code, 2);
    assert.match(py.stderr, /cannot convert "\.py" files/);
    const to = await runDlt(['convert', join(fixtures, 'complete.jmx'), '--to', 'json']);
    assert.equal(to.code, 2);
    assert.match(to.stderr, /--to: cannot write "json"/);
    const help = await runDlt(['convert', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: dlt convert FILE --to yaml/);
    const top = await runDlt(['--help']);
    assert.match(top.stdout, /convert FILE/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
