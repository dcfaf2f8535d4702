import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HttpRequest } from '@dlt/model';
import { checkDefinition } from '@dlt/model';
import { scenarioSteps } from './requests.ts';

/** The steps of one scenario written as in a file. */
function stepsOf(scenario: Record<string, unknown>) {
  const r = checkDefinition({ execution: [{}], scenarios: { s: scenario } });
  assert.ok(r.ok, JSON.stringify(r));
  return scenarioSteps(r.value.scenarios.s);
}

const requestOf = (scenario: Record<string, unknown>): HttpRequest => stepsOf(scenario)[0].request;

test('requests fold in scenario settings', () => {
  const cases: [name: string, scenario: Record<string, unknown>, expected: HttpRequest][] = [
    [
      'a plain URL: GET, label with the full URL, redirects followed',
      { requests: ['http://127.0.0.1:8080/a?b=1'] },
      { label: 'GET http://127.0.0.1:8080/a?b=1', method: 'GET', url: 'http://127.0.0.1:8080/a?b=1', maxRedirects: 10 },
    ],
    [
      'relative URL on default-address: short label',
      { 'default-address': 'http://127.0.0.1:8080/api/', requests: [{ url: 'items?page=2', method: 'delete' }] },
      {
        label: 'DELETE /api/items?page=2',
        method: 'DELETE',
        url: 'http://127.0.0.1:8080/api/items?page=2',
        maxRedirects: 10,
      },
    ],
    [
      'absolute URL on another origin than default-address keeps the full URL in its label',
      { 'default-address': 'http://127.0.0.1:8080', requests: ['http://127.0.0.1:9090/x'] },
      { label: 'GET http://127.0.0.1:9090/x', method: 'GET', url: 'http://127.0.0.1:9090/x', maxRedirects: 10 },
    ],
    [
      'headers overlaid case-insensitively, request timeout over scenario timeout, no redirects, no keep-alive',
      {
        headers: { Accept: 'text/html', 'X-Team': 'a' },
        timeout: '10s',
        keepalive: false,
        'follow-redirects': false,
        requests: [{ url: 'http://h/', label: 'home', headers: { accept: 'application/json' }, timeout: '2s' }],
      },
      {
        label: 'home',
        method: 'GET',
        url: 'http://h/',
        headers: { 'X-Team': 'a', accept: 'application/json' },
        timeoutMs: 2_000,
        maxRedirects: 0,
        keepAlive: false,
      },
    ],
    [
      'tls-verify off makes every request of the scenario insecure',
      { 'tls-verify': false, requests: ['https://h/'] },
      { label: 'GET https://h/', method: 'GET', url: 'https://h/', maxRedirects: 10, insecure: true },
    ],
    [
      'http2 on the scenario applies to its requests',
      { http2: true, requests: ['https://h/'] },
      { label: 'GET https://h/', method: 'GET', url: 'https://h/', maxRedirects: 10, http2: true },
    ],
    [
      'a request may turn http2 off',
      { http2: true, requests: [{ url: 'http://h/', http2: false }] },
      { label: 'GET http://h/', method: 'GET', url: 'http://h/', maxRedirects: 10 },
    ],
    [
      'a request may turn http2 on',
      { requests: [{ url: 'http://h/', http2: 'true' }] },
      { label: 'GET http://h/', method: 'GET', url: 'http://h/', maxRedirects: 10, http2: true },
    ],
    [
      'a request may turn redirects back on',
      { 'follow-redirects': false, requests: [{ url: 'http://h/', 'follow-redirects': true }] },
      { label: 'GET http://h/', method: 'GET', url: 'http://h/', maxRedirects: 10 },
    ],
    [
      'string body as written',
      { requests: [{ url: 'http://h/', method: 'POST', body: 'a=1&b=2' }] },
      { label: 'POST http://h/', method: 'POST', url: 'http://h/', body: 'a=1&b=2', maxRedirects: 10 },
    ],
    [
      'object body: JSON, with a JSON content type added',
      { requests: [{ url: 'http://h/', method: 'POST', body: { user: 'a', n: [1, 2] } }] },
      {
        label: 'POST http://h/',
        method: 'POST',
        url: 'http://h/',
        headers: { 'content-type': 'application/json' },
        body: '{"user":"a","n":[1,2]}',
        maxRedirects: 10,
      },
    ],
    [
      'object body under a form content type: form-encoded',
      {
        headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' },
        requests: [{ url: 'http://h/', method: 'POST', body: { user: 'a b', n: 3 } }],
      },
      {
        label: 'POST http://h/',
        method: 'POST',
        url: 'http://h/',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' },
        body: 'user=a+b&n=3',
        maxRedirects: 10,
      },
    ],
    [
      'object body under another content type: JSON, content type kept',
      {
        requests: [
          { url: 'http://h/', method: 'PUT', headers: { 'Content-Type': 'application/vnd.x+json' }, body: [1] },
        ],
      },
      {
        label: 'PUT http://h/',
        method: 'PUT',
        url: 'http://h/',
        headers: { 'Content-Type': 'application/vnd.x+json' },
        body: '[1]',
        maxRedirects: 10,
      },
    ],
  ];
  for (const [name, scenario, expected] of cases) assert.deepEqual(requestOf(scenario), expected, name);
});

test('think time: the request overrides the scenario, default none', () => {
  const steps = stepsOf({ 'think-time': '1s', requests: ['http://h/a', { url: 'http://h/b', 'think-time': '250ms' }] });
  assert.deepEqual(
    steps.map((s) => s.thinkMs),
    [1_000, 250],
  );
  assert.deepEqual(
    stepsOf({ requests: ['http://h/'] }).map((s) => s.thinkMs),
    [0],
  );
});
