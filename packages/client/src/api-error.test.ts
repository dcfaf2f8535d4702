import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError, apiErrorFrom } from './api-error.ts';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const cases: [name: string, res: Response, status: number, code: string, message: string, problems: number][] = [
  [
    "dlt's body, with every problem",
    json(400, {
      code: 'INVALID_REQUEST_BODY',
      message: 'testName: too short',
      problems: [{ field: 'testName', message: 'too short' }],
    }),
    400,
    'INVALID_REQUEST_BODY',
    'testName: too short',
    1,
  ],
  [
    "the seed's JSON string CODE: message",
    json(409, 'TEST_RUNNING: the test is running'),
    409,
    'TEST_RUNNING',
    'the test is running',
    0,
  ],
  [
    "fastify's own error body",
    json(404, { statusCode: 404, error: 'Not Found', message: 'Route GET:/x not found' }),
    404,
    'NOT_FOUND',
    'Route GET:/x not found',
    0,
  ],
  [
    "a proxy's HTML page",
    new Response('<h1>Bad Gateway</h1>', { status: 502 }),
    502,
    'SERVER_ERROR',
    '<h1>Bad Gateway</h1>',
    0,
  ],
  [
    'an empty 401',
    new Response(null, { status: 401, statusText: 'Unauthorized' }),
    401,
    'UNAUTHORIZED',
    'Unauthorized',
    0,
  ],
  ['an empty 418', new Response(null, { status: 418 }), 418, 'HTTP_418', 'HTTP 418', 0],
];
for (const [name, res, status, code, message, problems] of cases) {
  test(`apiErrorFrom reads ${name}`, async () => {
    const e = await apiErrorFrom(res);
    assert.ok(ApiError.is(e));
    assert.deepEqual([e.status, e.code, e.message, e.problems.length], [status, code, message, problems]);
  });
}

test('ApiError.is tells an ApiError from any other error', () => {
  assert.equal(ApiError.is(new ApiError(500, 'X', 'x')), true);
  assert.equal(ApiError.is(new Error('x')), false);
  assert.equal(ApiError.is(null), false);
});
