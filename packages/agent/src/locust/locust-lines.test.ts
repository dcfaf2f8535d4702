/** The plugin's lines: malformed ones dropped, requests turned into samples with the right failure kind. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isFailure } from '@dlt/model';
import { parseLocustLine, toSample } from './locust-lines.ts';

const request = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ t: 'r', n: '/items/[id]', m: 'get', s: 200, rt: 12.5, st: 1_700_000_000.25, l: 42, ...extra });

test('lines are parsed, and anything malformed or oversized is dropped', () => {
  assert.deepEqual(parseLocustLine('{"t":"init"}'), { t: 'init' });
  assert.deepEqual(parseLocustLine('{"t":"u","u":3.7}'), { t: 'u', u: 3 });
  const cases = [
    '',
    'not json',
    '[]',
    '{"t":"x"}',
    '{"t":"u","u":-1}',
    request({ s: 'ok' }),
    request({ rt: -1 }),
    request({ n: 'x'.repeat(3000) }),
  ];
  for (const line of cases) assert.equal(parseLocustLine(line), undefined, line);
});

test('a request becomes a sample: label, method, times from Locust’s start and response time, bytes', () => {
  const line = parseLocustLine(request());
  assert.ok(line?.t === 'r');
  const s = toSample(line, 'shop');
  assert.deepEqual(
    [
      s.label,
      s.scenario,
      s.method,
      s.status,
      s.error,
      s.bytesReceived,
      s.endedAt - s.startedAt,
      s.firstByteAt,
      s.timings.wait,
    ],
    ['/items/[id]', 'shop', 'GET', 200, null, 42, 12.5, s.endedAt, 12.5],
  );
  assert.equal(s.startedAt, 1_700_000_000_250);
  assert.equal(isFailure(s), false);
});

test('failures: by status, a refused response is an assertion, no response is classified by the exception', () => {
  const kind = (extra: Record<string, unknown>) => {
    const line = parseLocustLine(request(extra));
    assert.ok(line?.t === 'r');
    const s = toSample(line, 'x');
    assert.equal(isFailure(s), true, JSON.stringify(extra));
    return s.error;
  };
  assert.equal(kind({ s: 500, ek: 'HTTPError', e: '500 Server Error' }), null);
  assert.equal(kind({ s: 200, ek: 'CatchResponseError', e: 'body lacks nope' }), 'assertion');
  assert.equal(kind({ s: 0, ek: 'ConnectionRefusedError', e: '[Errno 111] Connection refused' }), 'connect-refused');
  assert.equal(kind({ s: 0, ek: 'ReadTimeout', e: 'timed out' }), 'timeout');
  assert.equal(kind({ s: 0, ek: 'ConnectionResetError', e: 'reset by peer' }), 'reset');
  assert.equal(kind({ s: 0, ek: 'gaierror', e: 'Name or service not known' }), 'dns');
  assert.equal(kind({ s: 0, ek: 'SSLError', e: 'certificate verify failed' }), 'tls');
  assert.equal(kind({ s: 0, ek: 'ValueError', e: 'bad' }), 'other');
});

test('a 404 the locustfile marked success() passes; its status is still counted', () => {
  const line = parseLocustLine(request({ s: 404 }));
  assert.ok(line?.t === 'r');
  const s = toSample(line, 'x');
  assert.equal(s.status, 404);
  assert.equal(isFailure(s), false);
});
