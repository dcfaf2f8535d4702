import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DltError } from '@dlt/model';
import { quickDefinition } from './quick.ts';
import { parseRunArgs } from './run-args.ts';

test('parses a file with overrides, env and outputs', () => {
  const a = parseRunArgs([
    'api.yaml',
    '--out',
    'json=s.json',
    '--vus',
    '20',
    '--duration',
    '30s',
    '-e',
    'HOST=127.0.0.1',
  ]);
  assert.equal(a.file, 'api.yaml');
  assert.equal(a.vus, 20);
  assert.equal(a.duration, '30s');
  assert.deepEqual(a.env, { HOST: '127.0.0.1' });
  assert.deepEqual(a.outputs, [{ kind: 'json', path: 's.json' }]);
  assert.equal(a.thresholds, true);
});

test('quick mode flags', () => {
  const a = parseRunArgs(['--url', 'http://127.0.0.1:8080/x', '-c', '50', '-d', '10s', '-H', 'X-A: 1', '-m', 'post']);
  assert.equal(a.url, 'http://127.0.0.1:8080/x');
  assert.equal(a.vus, 50);
  assert.equal(a.method, 'POST');
  assert.deepEqual(a.headers, { 'X-A': '1' });
});

const bad: [name: string, argv: string[], message: RegExp][] = [
  ['no file and no url', [], /give a test file or --url/],
  ['both file and url', ['a.yaml', '--url', 'http://x/'], /--url: use either a test file or --url/],
  ['zero vus', ['--url', 'http://x/', '-c', '0'], /--vus: "0" is not a positive whole number/],
  ['fractional vus', ['--url', 'http://x/', '-c', '1.5'], /--vus: "1.5" is not a positive whole number/],
  ['negative rate', ['--url', 'http://x/', '--rate=-3'], /--rate: "-3" is not a positive number/],
  ['bad env', ['a.yaml', '-e', 'NOEQUALS'], /--env: "NOEQUALS" is not of the form NAME=VALUE/],
  ['bad header', ['--url', 'http://x/', '-H', 'nocolon'], /--header: "nocolon" is not of the form NAME: VALUE/],
  ['unknown output', ['a.yaml', '--out', 'influx=x'], /--out: "influx=x" is not a known output/],
  ['unknown flag', ['a.yaml', '--frobnicate'], /Unknown option '--frobnicate'/],
  ['rate with a file', ['a.yaml', '--rate', '5'], /--rate: only for quick mode/],
];
for (const [name, argv, message] of bad) {
  test(`bad arguments: ${name}`, () => {
    assert.throws(
      () => parseRunArgs(argv),
      (e: unknown) => DltError.is(e) && e.code === 'DLT_ERR_BAD_INPUT' && message.test(e.message),
    );
  });
}

test('reports every problem at once', () => {
  try {
    parseRunArgs(['--url', 'http://x/', '-c', '0', '--rate', 'x', '-e', 'bad']);
    assert.fail('expected an error');
  } catch (e) {
    assert.ok(DltError.is(e));
    assert.equal(e.problems.length, 3);
  }
});

test('quick definition: closed, open and iteration models', () => {
  const closed = quickDefinition(parseRunArgs(['--url', 'http://h/a', '-c', '5', '-d', '2s']));
  assert.deepEqual(closed.execution, [{ executor: 'constant-vus', vus: 5, duration: '2s', scenario: 'quick' }]);
  const open = quickDefinition(parseRunArgs(['--url', 'http://h/a', '--rate', '100', '-c', '7']));
  assert.deepEqual(open.execution, [
    {
      executor: 'constant-arrival-rate',
      rate: 100,
      duration: '10s',
      'pre-allocated-vus': 7,
      'max-vus': 7,
      scenario: 'quick',
    },
  ]);
  const its = quickDefinition(parseRunArgs(['--url', 'http://h/a', '-i', '40']));
  assert.deepEqual(its.execution, [{ executor: 'shared-iterations', vus: 10, iterations: 40, scenario: 'quick' }]);
  assert.deepEqual(its.scenarios, { quick: { requests: [{ url: 'http://h/a', method: 'GET', label: 'GET /a' }] } });
});
