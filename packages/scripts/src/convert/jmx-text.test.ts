// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the cases are JMeter and dlt ${…} references, as text
/** JMeter references rewritten into the simple format's: variables written in, properties as ${name:-default}. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rewriteText } from './jmx-text.ts';

test('references are rewritten or reported', () => {
  const vars = new Map([['base', '/api']]);
  const cases: [input: string, output: string, unknown: string[]][] = [
    ['plain', 'plain', []],
    ['${base}/home', '/api/home', []],
    ['${__P(host,localhost)}', '${host:-localhost}', []],
    ['${__P(port)}', '${port}', []],
    ['${__property(users,,10)}', '${users:-10}', []],
    ['${__property(users)}', '${users}', []],
    ['id=${__Random(1,9)}', 'id=$${__Random(1,9)}', ['${__Random(1,9)}']],
    ['${token}', '$${token}', ['${token}']],
    ['${__P(a.b,1)}', '$${__P(a.b,1)}', ['${__P(a.b,1)}']],
    ['${__P(x,${y})}', '$${__P(x,$${y})}', ['${__P(x,${y})}']],
    ['${__V(name_${idx})}', '$${__V(name_$${idx})}', ['${__V(name_${idx})}']],
    ['left ${open ${x', 'left $${open $${x', []],
    ['$5 and {braces}', '$5 and {braces}', []],
  ];
  for (const [input, output, unknown] of cases) {
    const seen: string[] = [];
    assert.equal(
      rewriteText(input, vars, (r) => seen.push(r)),
      output,
      input,
    );
    assert.deepEqual(seen, unknown, input);
  }
});
