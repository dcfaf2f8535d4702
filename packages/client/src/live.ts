/**
 * The live stream of a run as Server-Sent Events read over `fetch` (so the token goes in a
 * header, which `EventSource` cannot send): each event is `{ event, data, id }` with `data`
 * parsed as JSON when it is JSON. The iterator ends when the server closes the stream or the
 * caller's signal aborts.
 */

/** One event of the stream. */
export interface LiveEvent {
  /** The SSE `event:` name (`message` when the server gave none). */
  readonly event: string;
  readonly data: unknown;
  readonly id?: string;
}

/** Reads SSE events from a response body. */
export async function* readEvents(body: ReadableStream<Uint8Array>, signal?: AbortSignal): AsyncGenerator<LiveEvent> {
  // A TextDecoder rather than TextDecoderStream: the same code type-checks with DOM and Node types.
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const cancel = () => void reader.cancel().catch(() => {});
  signal?.addEventListener('abort', cancel, { once: true });
  let buffer = '';
  try {
    while (!signal?.aborted) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      // Events end at a blank line; CRLF and CR line ends are allowed by the spec.
      const blocks = buffer.replace(/\r\n?/g, '\n').split('\n\n');
      buffer = blocks.pop() ?? '';
      for (const block of blocks) {
        const e = parseEvent(block);
        if (e) yield e;
      }
    }
  } finally {
    signal?.removeEventListener('abort', cancel);
    cancel();
  }
}

/** One event block, or undefined for a comment-only block (keep-alive). */
export function parseEvent(block: string): LiveEvent | undefined {
  let event = 'message';
  let id: string | undefined;
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const i = line.indexOf(':');
    const field = i < 0 ? line : line.slice(0, i);
    const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id') id = value;
  }
  if (data.length === 0) return undefined;
  const text = data.join('\n');
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Plain text data is passed on as it is.
  }
  return id === undefined ? { event, data: parsed } : { event, data: parsed, id };
}
