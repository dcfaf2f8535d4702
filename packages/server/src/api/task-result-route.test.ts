/**
 * `GET …/testruns/{testRunId}/tasks/{taskId}/result`: who may read a task's raw result and the
 * answers when there is none. Reading a stored result is covered end to end by the console's
 * browser test (packages/console/test/console.test.ts), where real agents store them.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { seedBody, type TestServer, testServer } from '../test-kit.ts';

let t: TestServer;
let testId = '';
let runId = '';
before(async () => {
  t = await testServer({ timing: { provisionTimeoutMs: 60_000 } });
  const created = await t.call('POST', '/api/scenarios', { token: 'editor', body: seedBody('http://127.0.0.1:9/') });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  testId = created.body.testId;
  runId = created.body.testRunId;
});
after(() => t.close());

const path = (run: string, task: string) => `/api/scenarios/${testId}/testruns/${run}/tasks/${task}/result`;

test('a task without a stored result is a 404 naming it; an unknown run too', async () => {
  const none = await t.call('GET', path(runId, `${runId}-0`), { token: 'viewer' });
  assert.equal(none.status, 404);
  assert.equal(none.body.code, 'NOT_FOUND');
  assert.match(none.body.message, new RegExp(`${runId}-0`));
  const unknown = await t.call('GET', path('NoSuchRun1', 'x-0'), { token: 'viewer' });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.code, 'TESTRUN_NOT_FOUND');
});

test('it needs a token; a task id with a path in it is refused', async () => {
  assert.equal((await t.call('GET', path(runId, `${runId}-0`))).status, 401);
  const bad = await t.call('GET', path(runId, '..%2F..%2Fetc'), { token: 'viewer' });
  assert.equal(bad.status, 400, JSON.stringify(bad.body));
});
