import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RepeatedHead } from './repeated-head.ts';
import { HeadInfo, scanHead } from './response-head.ts';

const head = (n: number) => Buffer.from(`HTTP/1.1 200 OK\r\nX-N: ${n}\r\n\r\n`);

function remember(repeat: RepeatedHead, bytes: Buffer): void {
  const info = new HeadInfo();
  const text = bytes.toString('latin1');
  repeat.remember(bytes, 0, scanHead(text, info), text, info);
}

test('matches only the same bytes, and only when they are all there', () => {
  const repeat = new RepeatedHead(1024);
  remember(repeat, head(1));
  assert.equal(repeat.info.status, 200);
  assert.notEqual(repeat.match(Buffer.concat([head(1), Buffer.from('body')]), 0, head(1).length + 4), null);
  assert.equal(repeat.match(head(1), 0, head(1).length - 1), null, 'cut short');
  assert.equal(repeat.match(head(2), 0, head(2).length), null, 'different');
});

test('gives up after a few misses in a row', () => {
  const repeat = new RepeatedHead(1024);
  for (let n = 0; n < 6; n++) {
    remember(repeat, head(n));
    repeat.match(head(n + 1), 0, head(n + 1).length);
  }
  remember(repeat, head(9));
  assert.equal(repeat.length, 0);
  assert.equal(repeat.match(head(9), 0, head(9).length), null);
});

test('does not keep heads larger than its capacity', () => {
  const repeat = new RepeatedHead(8);
  remember(repeat, head(1));
  assert.equal(repeat.length, 0);
});
