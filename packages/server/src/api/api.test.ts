/**
 * The REST API through `inject` and over a real socket: the seed's create body, validation that
 * names every bad field, 404/409, saveOnly, schedules, tags, cancel, delete, runs and baselines,
 * uploads, CORS, body limits and the OpenAPI document.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { seedBody, type TestServer, testServer } from '../test-kit.ts';

let t: TestServer;
before(async () => {
  t = await testServer({ timing: { provisionTimeoutMs: 60_000 } });
});
after(() => t.close());

const target = 'http://127.0.0.1:9/';

describe('POST /api/scenarios', () => {
  test('the seed body creates a test and queues a run; GET shows it with the seed fields', async () => {
    const created = await t.call('POST', '/api/scenarios', { token: 'editor', body: seedBody(target) });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const { testId } = created.body;
    assert.match(testId, /^[A-Za-z0-9]{10}$/);
    assert.equal(created.body.status, 'queued');
    const got = await t.call('GET', `/api/scenarios/${testId}`, { token: 'viewer' });
    assert.equal(got.status, 200);
    for (const field of [
      'testName',
      'testDescription',
      'testType',
      'fileType',
      'testTaskConfigs',
      'testScenario',
      'status',
      'startTime',
      'taskIds',
      'results',
      'history',
      'totalTestRuns',
    ]) {
      assert.ok(field in got.body, `missing ${field}`);
    }
    assert.deepEqual(got.body.tags, ['checkout-api']);
    // The seed's history items carry each run's final results.
    assert.deepEqual(
      got.body.history.map((h: { testRunId: string; results: unknown }) => [h.testRunId, h.results]),
      [[created.body.testRunId, {}]],
    );
    assert.equal(got.body.totalTestRuns, 1);
    assert.equal(got.body.taskIds.length, 1);
    assert.ok(['queued', 'provisioning'].includes(got.body.status));
    assert.deepEqual(got.body.tasksPerRegion, [{ region: 'local', running: 0, pending: 1, desired: 1 }]);

    const again = await t.call('POST', '/api/scenarios', { token: 'editor', body: seedBody(target, { testId }) });
    assert.equal(again.status, 409);
    assert.equal(again.body.code, 'TEST_RUNNING');
    const del = await t.call('DELETE', `/api/scenarios/${testId}`, { token: 'editor' });
    assert.equal(del.status, 409);

    const cancel = await t.call('POST', `/api/scenarios/${testId}`, { token: 'editor' });
    assert.equal(cancel.status, 200);
    assert.equal(cancel.body, 'test cancelling');
    const after = await t.call('GET', `/api/scenarios/${testId}`, { token: 'viewer' });
    assert.equal(after.body.status, 'cancelled');
    const cancelAgain = await t.call('POST', `/api/scenarios/${testId}`, { token: 'editor' });
    assert.equal(cancelAgain.body.code, 'TEST_NOT_RUNNING');

    const rerun = await t.call('POST', '/api/scenarios', {
      token: 'editor',
      body: seedBody(target, { testId, testName: 'renamed' }),
    });
    assert.equal(rerun.status, 200);
    assert.equal(rerun.body.testName, 'renamed');
    assert.equal(rerun.body.totalTestRuns, 2);
    await t.call('POST', `/api/scenarios/${testId}`, { token: 'editor' });
    const gone = await t.call('DELETE', `/api/scenarios/${testId}`, { token: 'editor' });
    assert.equal(gone.status, 200);
    assert.equal((await t.call('GET', `/api/scenarios/${testId}`, { token: 'viewer' })).status, 404);
  });

  test('saveOnly saves without running; a schedule is stored and the test is scheduled', async () => {
    const saved = await t.call('POST', '/api/scenarios', {
      token: 'editor',
      body: seedBody(target, { saveOnly: true }),
    });
    assert.equal(saved.body.status, 'created');
    // One execution sent as a map (Taurus's shorthand) is stored as a list, as seed clients read it.
    const item = { concurrency: 2, 'hold-for': '1s', scenario: 'checkout api' };
    const scenario = { execution: item, scenarios: { 'checkout api': { requests: [target] } } };
    const mapped = await t.call('POST', '/api/scenarios', {
      token: 'editor',
      body: seedBody(target, { saveOnly: true, testScenario: scenario }),
    });
    assert.equal(mapped.status, 200, JSON.stringify(mapped.body));
    assert.deepEqual(mapped.body.testScenario.execution, [item]);
    // `${NAME:-default}` is checked as agents read it (no variables: the default), stored as written.
    const address = `\${TARGET:-${target}}`;
    const templated = {
      execution: [item],
      scenarios: { 'checkout api': { 'default-address': address, requests: ['/x'] } },
    };
    const withDefault = await t.call('POST', '/api/scenarios', {
      token: 'editor',
      body: seedBody(target, { saveOnly: true, testScenario: templated }),
    });
    assert.equal(withDefault.status, 200, JSON.stringify(withDefault.body));
    assert.equal(withDefault.body.testScenario.scenarios['checkout api']['default-address'], address);
    assert.equal(saved.body.totalTestRuns, 0);
    const scheduled = await t.call('POST', '/api/scenarios', {
      token: 'editor',
      body: seedBody(target, { scheduleStep: 'create', cronValue: '0 3 * * *', scheduleTimezone: 'Europe/Paris' }),
    });
    assert.equal(scheduled.body.status, 'scheduled');
    assert.equal(scheduled.body.cronValue, '0 3 * * *');
    const list = await t.call('GET', '/api/scenarios?tags=checkout-api,other', { token: 'viewer' });
    assert.ok(list.body.Items.some((i: { testId: string }) => i.testId === saved.body.testId));
    // The filter's tags are normalised as the stored ones are ("Checkout API" was stored as checkout-api).
    const spaced = await t.call('GET', '/api/scenarios?tags=Checkout%20API', { token: 'viewer' });
    assert.ok(spaced.body.Items.some((i: { testId: string }) => i.testId === saved.body.testId));
    const none = await t.call('GET', '/api/scenarios?tags=nothing', { token: 'viewer' });
    assert.deepEqual(none.body.Items, []);
  });

  const bad: Record<string, [Record<string, unknown>, string[]]> = {
    'missing required fields': [{ testName: undefined, testDescription: undefined }, ['testName', 'testDescription']],
    'wrong types and values': [
      { testType: 'gatling', showLive: 'yes', healthyThreshold: 101 },
      ['testType', 'showLive', 'healthyThreshold'],
    ],
    'a bad name and too many tags': [{ testName: ' x', tags: ['a', 'b', 'c', 'd', 'e', 'f'] }, ['testName', 'tags']],
    'task configs': [
      { testTaskConfigs: [{ region: 'mars', taskCount: 0, concurrency: 30000 }] },
      ['testTaskConfigs[0].taskCount', 'testTaskConfigs[0].concurrency'],
    ],
    'an unknown region': [
      { testTaskConfigs: [{ region: 'mars', taskCount: 1, concurrency: 1 }] },
      ['testTaskConfigs[0].region'],
    ],
    'too many tasks for the launcher': [
      { testTaskConfigs: [{ region: 'local', taskCount: 11, concurrency: 1 }] },
      ['testTaskConfigs[0].taskCount'],
    ],
    'a bad definition, every problem named': [
      {
        testScenario: {
          execution: [{ concurrency: 2, 'hold-for': 'soon', scenario: 'nope' }],
          scenarios: { s: { requests: [{ url: 'ftp://x', methd: 'GET' }] } },
        },
      },
      ['testScenario.execution[0].hold-for', 'testScenario.scenarios.s.requests[0].methd'],
    ],
    'a variable with no value': [
      {
        testScenario: {
          execution: [{ concurrency: 1, 'hold-for': '1s', scenario: 's' }],
          scenarios: { s: { requests: [{ url: `\${TARGET}/x` }] } },
        },
      },
      ['testScenario.scenarios.s.requests[0].url'],
    ],
    'a bad test id': [{ testId: 'no/slashes' }, ['testId']],
    'a script test with nothing uploaded': [{ testType: 'jmeter', fileType: 'script' }, ['fileType']],
  };
  for (const [name, [over, fields]] of Object.entries(bad)) {
    test(`400 names every bad field: ${name}`, async () => {
      const res = await t.call('POST', '/api/scenarios', { token: 'editor', body: seedBody(target, over) });
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.equal(res.body.code, 'INVALID_REQUEST_BODY');
      const named = res.body.problems.map((p: { field: string }) => p.field);
      for (const f of fields) assert.ok(named.includes(f), `${f} not in ${JSON.stringify(res.body.problems)}`);
    });
  }

  test('not JSON, too large, and unknown routes', async () => {
    const notJson = await t.server.app.inject({
      method: 'POST',
      url: '/api/scenarios',
      headers: { authorization: `Bearer ${t.tokens.editor}`, 'content-type': 'application/json' },
      payload: '{"testName":',
    });
    assert.equal(notJson.statusCode, 400);
    const huge = await t.call('POST', '/api/scenarios', {
      token: 'editor',
      body: seedBody(target, { testDescription: 'x'.repeat(2_000_000) }),
    });
    assert.equal(huge.status, 413);
    assert.equal(huge.body.code, 'PAYLOAD_TOO_LARGE');
    const nothing = await t.call('GET', '/api/nothing', { token: 'viewer' });
    assert.equal(nothing.status, 404);
    assert.equal((await t.call('GET', '/api/scenarios/unknownTest', { token: 'viewer' })).body.code, 'TEST_NOT_FOUND');
    assert.equal((await t.call('GET', '/api/scenarios?bogus=1', { token: 'viewer' })).body.code, 'INVALID_QUERY');
    // JSON.parse takes 100,000 nested lists, but storing them would overflow the stack (a 500).
    const deep = await t.server.app.inject({
      method: 'POST',
      url: '/api/scenarios',
      headers: { authorization: `Bearer ${t.tokens.editor}`, 'content-type': 'application/json' },
      payload: JSON.stringify(seedBody(target, { saveOnly: true })).replace(
        '"body":""',
        `"body":${'['.repeat(100_000)}${']'.repeat(100_000)}`,
      ),
    });
    assert.equal(deep.statusCode, 400, deep.body);
    assert.deepEqual(JSON.parse(deep.body).problems, [{ message: 'nests deeper than 64 levels' }]);
  });
});

describe('runs and baselines', () => {
  test('runs page newest first with a cursor; baseline set, read, protected and removed', async () => {
    const { body } = await t.call('POST', '/api/scenarios', { token: 'editor', body: seedBody(target) });
    const testId = body.testId;
    const runIds = [body.testRunId];
    for (let i = 0; i < 2; i++) {
      await t.call('POST', `/api/scenarios/${testId}`, { token: 'editor' });
      const again = await t.call('POST', '/api/scenarios', { token: 'editor', body: seedBody(target, { testId }) });
      runIds.push(again.body.testRunId);
    }
    await t.call('POST', `/api/scenarios/${testId}`, { token: 'editor' });
    const page1 = await t.call('GET', `/api/scenarios/${testId}/testruns?limit=2`, { token: 'viewer' });
    assert.equal(page1.body.pagination.total_count, 3);
    assert.deepEqual(
      page1.body.testRuns.map((r: { testRunId: string }) => r.testRunId),
      [runIds[2], runIds[1]],
    );
    const page2 = await t.call(
      'GET',
      `/api/scenarios/${testId}/testruns?limit=2&next_token=${page1.body.pagination.next_token}`,
      { token: 'viewer' },
    );
    assert.deepEqual(
      page2.body.testRuns.map((r: { testRunId: string }) => r.testRunId),
      [runIds[0]],
    );
    assert.equal(page2.body.pagination.next_token, null);
    const future = await t.call('GET', `/api/scenarios/${testId}/testruns?start_timestamp=2999-01-01T00:00:00Z`, {
      token: 'viewer',
    });
    assert.equal(future.body.testRuns.length, 0);
    const run = await t.call('GET', `/api/scenarios/${testId}/testruns/${runIds[0]}`, { token: 'viewer' });
    assert.equal(run.body.status, 'cancelled');
    assert.equal(
      (await t.call('GET', `/api/scenarios/${testId}/testruns/nope`, { token: 'viewer' })).body.code,
      'TESTRUN_NOT_FOUND',
    );

    assert.equal((await t.call('GET', `/api/scenarios/${testId}/baseline`, { token: 'viewer' })).body.baselineId, null);
    const set = await t.call('PUT', `/api/scenarios/${testId}/baseline`, {
      token: 'editor',
      body: { testRunId: runIds[0] },
    });
    assert.equal(set.body.baselineId, runIds[0]);
    const read = await t.call('GET', `/api/scenarios/${testId}/baseline`, { token: 'viewer' });
    assert.equal(read.body.testRunDetails.testRunId, runIds[0]);
    const conflict = await t.call('DELETE', `/api/scenarios/${testId}/testruns`, {
      token: 'editor',
      body: [runIds[0], runIds[1]],
    });
    assert.equal(conflict.body.code, 'BASELINE_CONFLICT');
    const deleted = await t.call('DELETE', `/api/scenarios/${testId}/testruns`, { token: 'editor', body: [runIds[1]] });
    assert.deepEqual(deleted.body, { deletedCount: 1 });
    const noResults = await t.call('GET', `/api/scenarios/${testId}/testruns/${runIds[2]}/compare`, {
      token: 'viewer',
    });
    assert.equal(noResults.status, 404);
    assert.equal((await t.call('DELETE', `/api/scenarios/${testId}/baseline`, { token: 'editor' })).status, 200);
    assert.equal(
      (await t.call('DELETE', `/api/scenarios/${testId}/baseline`, { token: 'editor' })).body.code,
      'NO_BASELINE_SET',
    );
    assert.equal(
      (await t.call('GET', `/api/scenarios/${testId}/testruns/${runIds[2]}/compare`, { token: 'viewer' })).body.code,
      'NO_BASELINE_SET',
    );
  });
});

describe('seed rules on paths and queries', () => {
  test('ids up to 128 characters reach the route; a bad next_token and unknown query keys are 400s naming the field', async () => {
    const long = 'a'.repeat(128);
    const missing = await t.fetch('GET', `/api/scenarios/${long}`, { token: 'viewer' });
    assert.equal(missing.status, 404, JSON.stringify(missing.body));
    assert.equal(missing.body.code, 'TEST_NOT_FOUND');
    const tooLong = await t.fetch('GET', `/api/scenarios/${long}b`, { token: 'viewer' });
    assert.equal(tooLong.status, 400, JSON.stringify(tooLong.body));
    assert.equal(tooLong.body.problems[0].field, 'testId');

    const { body } = await t.call('POST', '/api/scenarios', {
      token: 'editor',
      body: seedBody(target, { saveOnly: true }),
    });
    for (const token of ['garbage', Buffer.from('["x"]').toString('base64url')]) {
      const res = await t.call('GET', `/api/scenarios/${body.testId}/testruns?next_token=${token}`, {
        token: 'viewer',
      });
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.equal(res.body.code, 'INVALID_QUERY');
      assert.equal(res.body.problems[0].field, 'next_token');
    }
    const unknown = await t.call('GET', `/api/scenarios/${body.testId}/testruns?limt=5`, { token: 'viewer' });
    assert.equal(unknown.status, 400);
    assert.deepEqual(unknown.body.problems, [{ field: 'limt', message: 'unknown field', hint: 'did you mean limit?' }]);
  });
});

describe('the rest', () => {
  test('regions, tasks, CORS, and the OpenAPI document over a real socket', async () => {
    const regions = await t.fetch('GET', '/api/regions', { token: 'viewer' });
    assert.equal(regions.body.regions[0].region, 'local');
    assert.ok(Array.isArray((await t.fetch('GET', '/api/tasks', { token: 'viewer' })).body));
    const pre = await fetch(`${t.server.url}/api/scenarios`, {
      method: 'OPTIONS',
      headers: { origin: 'http://console.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), 'http://console.example');
    const doc = await t.fetch('GET', '/api/openapi.json');
    assert.equal(doc.body.openapi, '3.1.0');
    const create = doc.body.paths['/api/scenarios'].post.requestBody.content['application/json'].schema;
    assert.ok(create.required.includes('testName'));
    assert.ok(doc.body.paths['/api/scenarios/{testId}/testruns/{testRunId}/compare'].get);
  });
});
