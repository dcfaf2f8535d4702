import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseEvent, readEvents } from './live.ts';

/** A body that yields `chunks` one by one, as a network would split them. */
function body(chunks: readonly string[], keepOpen = false): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(encoder.encode(chunks[i++]));
      else if (!keepOpen) controller.close();
    },
  });
}

test('events split across chunks, comments skipped, JSON parsed, CRLF accepted; ends with the stream', async () => {
  const chunks = [
    ': keep-alive\n\nevent: snapshot\nid: 7\ndata: {"at":10',
    '00}\n\nevent: status\r\ndata: running\r\n\r\n',
    'data: a\ndata: b\n\n',
  ];
  const events = [];
  for await (const e of readEvents(body(chunks))) events.push(e);
  assert.deepEqual(events, [
    { event: 'snapshot', data: { at: 1000 }, id: '7' },
    { event: 'status', data: 'running' },
    { event: 'message', data: 'a\nb' },
  ]);
});

test('aborting the signal ends a stream that stays open', async () => {
  const stop = new AbortController();
  const got: unknown[] = [];
  for await (const e of readEvents(body(['data: 1\n\n'], true), stop.signal)) {
    got.push(e.data);
    stop.abort();
  }
  assert.deepEqual(got, [1]);
});

const blocks: [name: string, block: string, expected: ReturnType<typeof parseEvent>][] = [
  ['a comment-only block is no event', ': ping', undefined],
  ['a block without data is no event', 'event: status', undefined],
  ['a field without a colon has an empty value', 'data', { event: 'message', data: '' }],
  ['only one leading space is stripped', 'data:  x', { event: 'message', data: ' x' }],
];
for (const [name, block, expected] of blocks) {
  test(`parseEvent: ${name}`, () => assert.deepEqual(parseEvent(block), expected));
}
