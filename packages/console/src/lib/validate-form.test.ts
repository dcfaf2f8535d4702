/**
 * The test form's validation (what the user sees beside each field as they type) and the body
 * it sends: table-driven, one named case per rule, each with the field the message lands on.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Region, Scenario } from '@dlt/client';
import {
  emptyForm,
  formFromScenario,
  formLeavesOut,
  parseThresholds,
  type ScenarioForm,
  toScenarioInput,
} from './scenario-form.ts';
import { fieldErrors, fileProblem, formFieldOf, validateForm } from './validate-form.ts';

const regions: Region[] = [{ region: 'local', agents: 0, freeSlots: 4, maxTasks: 8 }];

const good: ScenarioForm = {
  ...emptyForm(),
  testName: 'checkout api',
  testDescription: 'the checkout under load',
  tags: 'checkout, smoke',
  requests: [{ label: 'home', method: 'GET', url: 'http://127.0.0.1:9/', headers: 'Accept: text/html', body: '' }],
};

type Edit = (f: ScenarioForm) => ScenarioForm;
const cases: { name: string; edit: Edit; field: string; message: RegExp }[] = [
  { name: 'short name', edit: (f) => ({ ...f, testName: 'ab' }), field: 'testName', message: /at least 3/ },
  {
    name: 'name with outer spaces',
    edit: (f) => ({ ...f, testName: ' abc ' }),
    field: 'testName',
    message: /white space/,
  },
  {
    name: 'name with a control character',
    edit: (f) => ({ ...f, testName: 'ab\u0007c' }),
    field: 'testName',
    message: /control/,
  },
  {
    name: 'empty description',
    edit: (f) => ({ ...f, testDescription: ' ' }),
    field: 'testDescription',
    message: /at least 3/,
  },
  { name: 'six tags', edit: (f) => ({ ...f, tags: 'a,b,c,d,e,f' }), field: 'tags', message: /at most 5/ },
  { name: 'a tag with punctuation', edit: (f) => ({ ...f, tags: 'ok, no!' }), field: 'tags', message: /"no!"/ },
  {
    name: 'missing URL',
    edit: (f) => ({ ...f, requests: [{ ...f.requests[0], url: '' }] }),
    field: 'requests.0.url',
    message: /required/,
  },
  {
    name: 'URL of another scheme',
    edit: (f) => ({ ...f, requests: [...f.requests, { ...f.requests[0], url: 'ftp://x/' }] }),
    field: 'requests.1.url',
    message: /http/,
  },
  {
    name: 'bad method',
    edit: (f) => ({ ...f, requests: [{ ...f.requests[0], method: 'FETCH' }] }),
    field: 'requests.0.method',
    message: /FETCH/,
  },
  {
    name: 'bad hold-for',
    edit: (f) => ({ ...f, load: { ...f.load, holdFor: '10x' } }),
    field: 'load.holdFor',
    message: /duration/,
  },
  {
    name: 'negative ramp-up',
    edit: (f) => ({ ...f, load: { ...f.load, rampUp: '-5s' } }),
    field: 'load.rampUp',
    message: /./,
  },
  {
    name: 'executor without its required option',
    edit: (f) => ({
      ...f,
      load: { ...f.load, mode: 'constant-arrival-rate', options: { duration: '10s', 'pre-allocated-vus': '5' } },
    }),
    field: 'load.options.rate',
    message: /needs rate/,
  },
  {
    name: 'bad stages',
    edit: (f) => ({ ...f, load: { ...f.load, mode: 'ramping-vus', options: { stages: '10s:x' } } }),
    field: 'load.options.stages',
    message: /./,
  },
  {
    name: 'bad threshold',
    edit: (f) => ({ ...f, thresholds: 'http_req_duration: p(95)<<3' }),
    field: 'thresholds',
    message: /./,
  },
  {
    name: 'unknown region',
    edit: (f) => ({ ...f, regions: [{ region: 'mars', taskCount: '1', concurrency: '1' }] }),
    field: 'regions.0.region',
    message: /no agents serve region mars/,
  },
  {
    name: 'a region twice',
    edit: (f) => ({ ...f, regions: [f.regions[0], f.regions[0]] }),
    field: 'regions.1.region',
    message: /already/,
  },
  {
    name: 'more tasks than the region allows',
    edit: (f) => ({ ...f, regions: [{ region: 'local', taskCount: '9', concurrency: '1' }] }),
    field: 'regions.0.taskCount',
    message: /at most 8/,
  },
  {
    name: 'users per task not a number',
    edit: (f) => ({ ...f, regions: [{ region: 'local', taskCount: '1', concurrency: 'ten' }] }),
    field: 'regions.0.concurrency',
    message: /whole number/,
  },
];

describe('validateForm', () => {
  test('a good form has no problems', () => {
    assert.deepEqual(validateForm(good, regions), {});
  });
  for (const c of cases) {
    test(c.name, () => {
      const errors = validateForm(c.edit(good), regions);
      assert.ok(c.field in errors, `no error on ${c.field}: ${JSON.stringify(errors)}`);
      assert.match(errors[c.field], c.message);
    });
  }
  test('a script test is not asked for requests', () => {
    const errors = validateForm({ ...good, testType: 'jmeter', requests: [{ ...good.requests[0], url: '' }] }, regions);
    assert.deepEqual(errors, {});
  });
});

describe('server problems land beside their fields', () => {
  const table: [string | undefined, string][] = [
    ['testName', 'testName'],
    ['tags[2]', 'tags'],
    ['testTaskConfigs[1].taskCount', 'regions.1.taskCount'],
    ['testScenario.execution[0].hold-for', 'load.holdFor'],
    ['testScenario.execution[0].rate', 'load.options.rate'],
    ['testScenario.execution[0].concurrency', 'regions'],
    ['testScenario.scenarios.default.requests[3].url', 'requests.3.url'],
    ['testScenario.scenarios["my api"].requests[0].headers.Accept', 'requests.0.headers'],
    ['testScenario.thresholds["http_req_duration{label:a}"]', 'thresholds'],
    ['fileType', 'file'],
    ['body', 'form'],
    [undefined, 'form'],
  ];
  for (const [api, form] of table) test(`${api} → ${form}`, () => assert.equal(formFieldOf(api), form));

  test('a problem without a field keeps its path in the message', () => {
    assert.deepEqual(fieldErrors([{ field: 'whatever', message: 'bad', hint: 'fix it' }]), {
      form: 'whatever: bad (fix it)',
    });
  });
});

describe('fileProblem', () => {
  const jmx = { ...good, testType: 'jmeter' as const };
  const table: [string, ScenarioForm, { name: string; size: number } | undefined, RegExp | undefined][] = [
    ['simple tests take no file', good, undefined, undefined],
    ['a script test needs one', jmx, undefined, /choose/],
    ['the stored script is enough when editing', { ...jmx, scriptName: 'a.jmx' }, undefined, undefined],
    ['a .jmx is fine', jmx, { name: 'plan.jmx', size: 10 }, undefined],
    ['a zip is fine', jmx, { name: 'plan.zip', size: 10 }, undefined],
    ['the wrong extension', jmx, { name: 'plan.py', size: 10 }, /\.jmx/],
    ['an empty file', jmx, { name: 'plan.jmx', size: 0 }, /empty/],
    ['too large', jmx, { name: 'plan.jmx', size: 51 * 1024 * 1024 }, /50 MB/],
  ];
  for (const [name, form, file, want] of table) {
    test(name, () => {
      const got = fileProblem(form, file);
      if (want === undefined) assert.equal(got, undefined);
      else assert.match(got ?? '', want);
    });
  }
});

describe('the body sent, and a stored test back into the form', () => {
  test('the Taurus form sends total VUs = tasks × users per region', () => {
    const form = {
      ...good,
      regions: [{ region: 'local', taskCount: '2', concurrency: '5' }],
      thresholds: 'http_req_duration: p(95)<300',
    };
    const body = toScenarioInput(form, true);
    assert.equal(body.saveOnly, true);
    assert.deepEqual(body.tags, ['checkout', 'smoke']);
    assert.deepEqual(body.testTaskConfigs, [{ region: 'local', taskCount: 2, concurrency: 5 }]);
    const def = body.testScenario as { execution: Record<string, unknown>[]; thresholds: unknown };
    assert.deepEqual(def.execution[0], { scenario: 'default', concurrency: 10, 'ramp-up': '0s', 'hold-for': '30s' });
    assert.deepEqual(def.thresholds, { http_req_duration: ['p(95)<300'] });
  });

  test('an executor sends its own options, stages parsed', () => {
    const form = {
      ...good,
      load: { ...good.load, mode: 'ramping-vus' as const, options: { stages: '10s:5, 20s:0', 'start-vus': '1' } },
    };
    const def = toScenarioInput(form, false).testScenario as { execution: Record<string, unknown>[] };
    assert.deepEqual(def.execution[0], {
      scenario: 'default',
      executor: 'ramping-vus',
      'start-vus': 1,
      stages: [
        { duration: '10s', target: 5 },
        { duration: '20s', target: 0 },
      ],
    });
  });

  test('thresholds keep braces with colons in the metric', () => {
    assert.deepEqual(parseThresholds('http_req_duration{label:a}: p(99)<500\nhttp_req_failed: rate<0.01'), {
      'http_req_duration{label:a}': ['p(99)<500'],
      http_req_failed: ['rate<0.01'],
    });
  });

  test('edit and copy fill the form from the stored test', () => {
    const body = toScenarioInput({ ...good, thresholds: 'http_reqs: count>10' }, true);
    const stored = { ...body, testId: 't1', status: 'complete' } as unknown as Scenario;
    const edit = formFromScenario(stored, 'edit');
    assert.equal(edit.testId, 't1');
    assert.deepEqual(edit.requests, good.requests);
    assert.equal(edit.thresholds, 'http_reqs: count>10');
    assert.deepEqual(toScenarioInput(edit, true).testScenario, body.testScenario);
    const copy = formFromScenario(stored, 'copy');
    assert.equal(copy.testId, undefined);
    assert.equal(copy.testName, 'checkout api (copy)');
  });
});

describe('formLeavesOut', () => {
  const simple = (over: Record<string, unknown>) => ({
    execution: [{ concurrency: 2, 'hold-for': '1m', scenario: 'default' }],
    scenarios: { default: { requests: [{ url: 'http://127.0.0.1:9/', method: 'GET', label: 'home' }] } },
    ...over,
  });
  const table: [string, Record<string, unknown>, 'simple' | 'jmeter', string[]][] = [
    ['a test the form made', simple({ thresholds: { http_req_duration: ['p(95)<300'] } }), 'simple', []],
    [
      'a k6 executor with its own options',
      simple({
        execution: [
          { executor: 'constant-arrival-rate', rate: 10, duration: '1m', 'pre-allocated-vus': 5, scenario: 'default' },
        ],
      }),
      'simple',
      [],
    ],
    ['a script test', { execution: [{ concurrency: 5 }], scenarios: { s: { script: 'plan.jmx' } } }, 'jmeter', []],
    [
      'a second execution and a second scenario',
      simple({
        execution: [{ concurrency: 1 }, { concurrency: 2, scenario: 'b' }],
        scenarios: { a: { requests: ['http://127.0.0.1:9/'] }, b: { requests: ['http://127.0.0.1:9/b'] } },
      }),
      'simple',
      ['1 more execution item(s)', '1 more scenario(s)'],
    ],
    [
      'scenario and request options the form has no field for',
      simple({
        scenarios: {
          default: {
            'think-time': '1s',
            requests: [{ url: 'http://127.0.0.1:9/', extract: { id: '$.id' }, assert: ['200'] }],
          },
        },
      }),
      'simple',
      ['scenario option(s) think-time', 'request option(s) extract, assert'],
    ],
    ['variables at the top', simple({ variables: { host: 'x' } }), 'simple', ['top-level variables']],
    [
      'an execution option the form lacks',
      simple({ execution: [{ concurrency: 2, 'hold-for': '1m', 'start-time': '10s', scenario: 'default' }] }),
      'simple',
      ['execution option(s) start-time'],
    ],
  ];
  for (const [name, def, type, want] of table) {
    test(name, () => assert.deepEqual(formLeavesOut(def, type), want));
  }
});
