/** The Groovy subset of JSR223 and BeanShell elements: what runs, and what is refused by line. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileGroovy } from './groovy-lite.ts';
import { newGroupState, newTestState, newThread } from './scope.ts';

function run(source: string, vars: Record<string, string> = {}) {
  const problems: string[] = [];
  const script = compileGroovy(source, (m) => problems.push(m));
  const t = newThread(newGroupState('g', 1), newTestState({}));
  for (const [k, v] of Object.entries(vars)) t.vars.set(k, v);
  script({ t });
  return { problems, vars: Object.fromEntries(t.vars), props: Object.fromEntries(t.test.props) };
}

const cases: [name: string, source: string, vars: Record<string, string>][] = [
  ['put a literal', 'vars.put("a", "b")', { a: 'b' }],
  ['concatenate and copy', 'vars.put("b", vars.get("a") + "-" + 2)', { a: 'x', b: 'x-2' }],
  ['locals, Java or Groovy style', 'String s = "p"; def n = 1 + 2\nvars.put("v", s + n)', { v: 'p3' }],
  ['numbers add', 'vars.put("n", String.valueOf(Integer.parseInt(vars.get("a")) + 1))', { a: '41', n: '42' }],
  ['string methods', "vars.put('u', ' Hi '.trim().toUpperCase().substring(0, 1))", { u: 'H' }],
  ['comments and imports', 'import java.util.UUID // why\n// nothing\nvars.put("x", "1") // done', { x: '1' }],
  ['put null removes', 'vars.put("a", null)', {}],
];

for (const [name, source, expected] of cases) {
  test(`compileGroovy: ${name}`, () => {
    const preset: Record<string, string> =
      name === 'concatenate and copy' || name === 'numbers add' || name === 'put null removes'
        ? { a: name === 'numbers add' ? '41' : 'x' }
        : {};
    const r = run(source, preset);
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.vars, expected);
  });
}

test('compileGroovy: props, UUIDs and time', () => {
  const r = run(
    'props.put("k", UUID.randomUUID().toString())\nvars.put("t", String.valueOf(System.currentTimeMillis()))',
  );
  assert.match(r.props.k, /^[0-9a-f-]{36}$/);
  assert.ok(Math.abs(Number(r.vars.t) - Date.now()) < 5_000);
});

test('compileGroovy refuses what it cannot run, by line', () => {
  const { problems } = run(
    [
      'vars.put("ok", "1")',
      'def f = new File("/etc/hostname")',
      'for (i in 1..3) {',
      'vars.put("s", "hello $x")',
      'vars.put("y", Thread.currentThread().getName())',
      'return 1',
      '}',
    ].join('\n'),
  );
  for (const prefix of [
    'line 2: creating objects (new File) is not supported',
    'line 3: "for (i in 1..3)": only if/else and statements that call, declare or assign',
    'line 4: Groovy string interpolation',
    'line 5: Thread is not supported',
    'line 6: "return 1": only if/else',
  ]) {
    assert.ok(
      problems.some((p) => p.startsWith(prefix)),
      `${prefix} in:\n${problems.join('\n')}`,
    );
  }
});

test('compileGroovy: if / else if / else on comparisons, && || ! and Groovy truth', () => {
  const source = [
    'def code = vars.get("code")',
    'if (code == "200" && !vars.get("skip")) {',
    '  vars.put("state", "ok")',
    '} else if (Integer.parseInt(code) >= 500 || code == "429") {',
    '  vars.put("state", "retry")',
    '} else {',
    '  vars.put("state", "bad")',
    '}',
    'if (vars.get("state") != "ok") vars.put("alert", "yes")',
  ].join('\n');
  const state = (vars: Record<string, string>) => {
    const r = run(source, vars);
    assert.deepEqual(r.problems, []);
    return [r.vars.state, r.vars.alert ?? '-'];
  };
  assert.deepEqual(state({ code: '200' }), ['ok', '-']);
  assert.deepEqual(state({ code: '200', skip: 'y' }), ['bad', 'yes']);
  assert.deepEqual(state({ code: '503' }), ['retry', 'yes']);
  assert.deepEqual(state({ code: '429' }), ['retry', 'yes']);
  assert.deepEqual(state({ code: '404' }), ['bad', 'yes']);
});

test('compileGroovy: JSON read with JsonSlurper, properties, indexes, size and safe navigation', () => {
  const problems: string[] = [];
  const script = compileGroovy(
    [
      'import groovy.json.JsonSlurper',
      'def json = new JsonSlurper().parseText(vars.get("body"))',
      'vars.put("token", json.token)',
      'vars.put("first", json.items[0].id.toString())',
      'vars.put("last", String.valueOf(json[\'items\'][-1].id))',
      'vars.put("count", String.valueOf(json.items.size()))',
      'vars.put("missing", json?.nope?.deeper)',
      'vars.put("whole", json.meta)',
    ].join('\n'),
    (m) => problems.push(m),
  );
  const t = newThread(newGroupState('g', 1), newTestState({}));
  t.vars.set('body', JSON.stringify({ token: 'tk', items: [{ id: 7 }, { id: 9 }], meta: { a: 1 } }));
  script({ t });
  assert.deepEqual(problems, []);
  assert.deepEqual(Object.fromEntries(t.vars), {
    body: t.vars.get('body'),
    token: 'tk',
    first: '7',
    last: '9',
    count: '2',
    whole: '{"a":1}',
  });
});
