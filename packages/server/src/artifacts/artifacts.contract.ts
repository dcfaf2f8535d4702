/**
 * The contract every Artifacts implementation passes: call `artifactsContract(name, makeFixture)`
 * from the implementation's test file. Each case gets a fresh, empty place from the fixture.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Artifacts } from './artifacts.ts';

export interface ArtifactsFixture {
  readonly artifacts: Artifacts;
  dispose(): Promise<void>;
}

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : new TextDecoder().decode(b));

type Case = (a: Artifacts) => Promise<void>;

const cases: Record<string, Case> = {
  'put then get returns the same bytes; put again replaces them': async (a) => {
    await a.put('tests/t1/script.jmx', bytes('<jmx/>'));
    assert.equal(text(await a.get('tests/t1/script.jmx')), '<jmx/>');
    await a.put('tests/t1/script.jmx', bytes('v2'));
    assert.equal(text(await a.get('tests/t1/script.jmx')), 'v2');
  },
  'binary data, empty values and large values survive': async (a) => {
    const big = new Uint8Array(3 * 1024 * 1024).map((_, i) => (i * 31) % 256);
    await a.put('runs/r1/big.bin', big);
    await a.put('runs/r1/empty', new Uint8Array(0));
    assert.deepEqual(await a.get('runs/r1/big.bin'), big);
    assert.equal((await a.get('runs/r1/empty'))?.length, 0);
  },
  'a missing key gives undefined and deleting it gives false': async (a) => {
    assert.equal(await a.get('nothing/here'), undefined);
    assert.equal(await a.delete('nothing/here'), false);
  },
  'delete removes one key': async (a) => {
    await a.put('a/b', bytes('1'));
    assert.equal(await a.delete('a/b'), true);
    assert.equal(await a.get('a/b'), undefined);
  },
  'list gives the keys under a prefix, sorted, with sizes': async (a) => {
    await a.put('runs/r2/tasks/t1.json', bytes('12'));
    await a.put('runs/r2/tasks/t0.json', bytes('1'));
    await a.put('runs/r20/x', bytes('1'));
    await a.put('tests/t/x', bytes('1'));
    assert.deepEqual(await a.list('runs/r2/'), [
      { key: 'runs/r2/tasks/t0.json', size: 1 },
      { key: 'runs/r2/tasks/t1.json', size: 2 },
    ]);
    assert.equal((await a.list('runs/')).length, 3);
    assert.deepEqual(await a.list('none/'), []);
  },
  'deletePrefix removes everything under a prefix and nothing else': async (a) => {
    await a.put('tests/t1/a', bytes('1'));
    await a.put('tests/t1/b/c', bytes('1'));
    await a.put('tests/t10/a', bytes('1'));
    assert.equal(await a.deletePrefix('tests/t1/'), 2);
    assert.deepEqual(
      (await a.list('tests/')).map((i) => i.key),
      ['tests/t10/a'],
    );
  },
  'bad keys are refused': async (a) => {
    for (const key of ['../x', 'a/../../b', '/abs', 'a//b', 'a/./b', 'sp ace', '']) {
      await assert.rejects(a.put(key, bytes('x')), `put ${JSON.stringify(key)}`);
      await assert.rejects(a.get(key), `get ${JSON.stringify(key)}`);
    }
  },
  'concurrent puts of one key leave one whole value': async (a) => {
    const values = Array.from({ length: 8 }, (_, i) => bytes(String(i).repeat(100_000)));
    await Promise.all(values.map((v) => a.put('race/key', v)));
    const got = text(await a.get('race/key'))!;
    assert.equal(got.length, 100_000);
    assert.equal(new Set(got).size, 1);
  },
};

/** Registers the contract's cases for one implementation. */
export function artifactsContract(name: string, makeFixture: () => Promise<ArtifactsFixture>): void {
  for (const [title, run] of Object.entries(cases)) {
    test(`${name} artifacts: ${title}`, async () => {
      const fixture = await makeFixture();
      try {
        await run(fixture.artifacts);
      } finally {
        await fixture.dispose();
      }
    });
  }
}
