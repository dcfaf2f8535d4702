import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as hdr from 'hdr-histogram-js';
import { Histogram, histogramRange } from './histogram.ts';

/** A deterministic spread of microsecond values: mostly 1–200 ms, a tail up to 30 s. */
function values(n: number, seed = 1): number[] {
  let x = seed;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const u = x / 2 ** 31;
    out.push(Math.round(i % 97 === 0 ? u * 30_000_000 : 1000 + u * u * 200_000));
  }
  return out;
}

function reference(vs: readonly number[]): ReturnType<typeof hdr.build> {
  const h = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: histogramRange.highestUs,
    bitBucketSize: 64,
  });
  for (const v of vs) h.recordValue(v);
  return h;
}

test('percentiles, min, max and count agree with hdr-histogram-js', () => {
  const vs = values(20_000);
  const ours = new Histogram();
  for (const v of vs) ours.recordUs(v);
  const ref = reference(vs);
  assert.equal(ours.count, ref.totalCount);
  for (const p of [1, 25, 50, 90, 95, 99, 99.9, 100]) {
    assert.equal(ours.percentile(p) * 1000, ref.getValueAtPercentile(p), `p${p}`);
  }
  assert.equal(ours.max * 1000, ref.getValueAtPercentile(100));
  assert.ok(Math.abs(ours.mean * 1000 - ref.mean) < 1e-6 * ref.mean, 'mean');
  assert.ok(Math.abs(ours.stdev * 1000 - ref.stdDeviation) < 1e-6 * ref.stdDeviation, 'stdev');
});

/** hdr-histogram-js's decoder of the plain (uncompressed) V2 form, which its types leave out. */
const decodePlain = (hdr.JsHistogram as unknown as { decode(b: Uint8Array, bits: 64): ReturnType<typeof hdr.build> })
  .decode;

test('hdr-histogram-js decodes our encodings to the same counts', async (t) => {
  const cases = [
    { name: 'large, deflated', n: 5_000, compressed: true },
    { name: 'small, plain', n: 40, compressed: false },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const vs = values(c.n, 7);
      const ours = new Histogram();
      for (const v of vs) ours.recordUs(v);
      const encoded = ours.encode();
      const decoded = c.compressed
        ? hdr.decodeFromCompressedBase64(encoded, 64)
        : decodePlain(Buffer.from(encoded, 'base64'), 64);
      const ref = reference(vs);
      assert.equal(decoded.totalCount, ref.totalCount);
      for (const p of [0, 50, 99, 99.99, 100]) {
        assert.equal(decoded.getValueAtPercentile(p), ref.getValueAtPercentile(p), `p${p}`);
      }
    });
  }
});

test('we decode hdr-histogram-js encodings to the same counts', () => {
  const vs = values(5_000, 11);
  const ours = Histogram.decode(hdr.encodeIntoCompressedBase64(reference(vs)));
  const direct = new Histogram();
  for (const v of vs) direct.recordUs(v);
  assert.equal(ours.encode(), direct.encode());
  assert.deepEqual(ours.stats(), direct.stats());
});

const big = (() => {
  // 2^28 values in one slot, built by doubling rather than recording them one by one.
  const h = new Histogram();
  h.recordUs(5000);
  for (let i = 0; i < 28; i++) h.add(Histogram.decode(h.encode()));
  return h;
})();

test('encode and decode round trip', async (t) => {
  const cases: { name: string; values: readonly number[] }[] = [
    { name: 'empty', values: [] },
    { name: 'one value', values: [1234] },
    { name: 'zero and one microsecond', values: [0, 1, 1, 0] },
    { name: 'the top of the range', values: [histogramRange.highestUs, 1] },
    { name: 'a wide spread', values: values(10_000, 3) },
    { name: 'counts past 2^32 in one slot', values: [] },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const h = new Histogram();
      for (const v of c.values) h.recordUs(v);
      if (c.name.startsWith('counts past')) for (let i = 0; i < 40; i++) h.add(big);
      const back = Histogram.decode(h.encode());
      assert.equal(back.count, h.count);
      assert.equal(back.encode(), h.encode());
      assert.deepEqual(back.stats(), h.stats());
    });
  }
});
test('values above one hour are clamped and counted; negatives and NaN count as zero', () => {
  const h = new Histogram();
  h.recordMs(2 * 3_600_000);
  h.recordUs(-5);
  h.recordUs(Number.NaN);
  assert.equal(h.count, 3);
  assert.equal(h.clamped, 1);
  assert.equal(h.min, 0);
  assert.ok(Math.abs(h.max - 3_600_000) / 3_600_000 < 0.001);
});

test('uniform 1..1000 ms gives percentiles within histogram precision', () => {
  const h = new Histogram();
  for (let ms = 1; ms <= 1000; ms++) h.recordMs(ms);
  const s = h.stats();
  const near = (actual: number, expected: number) =>
    assert.ok(Math.abs(actual - expected) <= expected * 0.001 + 0.001, `${actual} ≉ ${expected}`);
  near(s.min, 1);
  near(s.p50, 500);
  near(s.p90, 900);
  near(s.p99, 990);
  near(s['p99.9'], 999);
  near(s.max, 1000);
  near(s.mean, 500.5);
  assert.ok(Math.abs(s.stdev - 288.67) < 0.5, `stdev ${s.stdev}`);
});

test('add is exact and reset empties', () => {
  const a = new Histogram();
  const b = new Histogram();
  const all = new Histogram();
  values(3000, 5).forEach((v, i) => {
    (i % 3 === 0 ? a : b).recordUs(v);
    all.recordUs(v);
  });
  assert.equal(new Histogram().add(b).add(a).encode(), all.encode());
  const compact = new Histogram({ compact: true });
  for (const v of values(3000, 5)) compact.recordUs(v);
  assert.equal(compact.encode(), all.encode(), '32-bit counts encode the same');
  assert.deepEqual(compact.stats(), all.stats());
  a.reset();
  assert.equal(a.count, 0);
  assert.equal(a.encode(), '');
  assert.deepEqual(a.percentiles([50, 99]), [0, 0]);
  a.recordUs(10);
  assert.equal(a.max, 0.01);
});

test('decode refuses what is not a dlt histogram', async (t) => {
  const twoDigits = hdr.build({ numberOfSignificantValueDigits: 2 });
  twoDigits.recordValue(10);
  const cases = [
    { name: 'not base64 of a histogram', input: 'aGVsbG8gd29ybGQ=' },
    { name: 'too short', input: 'HIST' },
    { name: 'other precision', input: hdr.encodeIntoCompressedBase64(twoDigits) },
  ];
  for (const c of cases) {
    await t.test(c.name, () => assert.throws(() => Histogram.decode(c.input), /histogram/));
  }
});
