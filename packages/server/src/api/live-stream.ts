/**
 * The live stream of one run as Server-Sent Events: first what a late subscriber missed (every
 * merged `second` so far) and the current status, then every status change, merged second and
 * task snapshot as they come; the stream ends after a terminal status. A comment line every
 * 15 s keeps proxies from closing a quiet stream.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { LiveEvent } from '../live-feed.ts';
import { isTerminal, type RunRecord } from '../store/store.ts';
import type { ApiContext } from './context.ts';

export async function liveStream(ctx: ApiContext, run: RunRecord, request: FastifyRequest, reply: FastifyReply) {
  const res = reply.raw;
  reply.hijack();
  let ended = false;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    ...corsHeaders(request),
  });
  let seq = 0;
  // A subscriber that does not read (stalled, or too slow for the run's seconds) would have the
  // server hold every event for it; past the limit its stream ends, and a reconnect is sent
  // the seconds it missed.
  // The seconds a late subscriber missed go out in one burst, which may be more than the limit.
  let allowed = ctx.limits.liveBufferedBytes;
  const behind = () => res.writableLength > allowed;
  const write = (e: LiveEvent) => {
    if (ended) return;
    if (behind()) return end();
    res.write(`id: ${++seq}\nevent: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`);
  };
  const status = (r: RunRecord) =>
    write({
      event: 'status',
      data: {
        runId: r.runId,
        testId: r.testId,
        status: r.status,
        ...(r.errorReason ? { errorReason: r.errorReason } : {}),
      },
    });
  const end = () => {
    if (ended) return;
    ended = true;
    unsubscribe();
    clearInterval(keepAlive);
    // A subscriber that fell behind is cut off at once: ending would wait for what it left unread.
    if (behind()) res.destroy();
    else res.end();
  };
  // Events that come while the missed ones are being written wait their turn.
  let queued: LiveEvent[] | undefined = [];
  const unsubscribe = ctx.live.subscribe(run.runId, (e) => {
    if (queued) return void queued.push(e);
    write(e);
    if (e.event === 'status' && isTerminal(e.data.status)) end();
  });
  const missed = ctx.live.history(run.runId);
  const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
  request.raw.on('close', end);
  // Read again after subscribing, so a change between the first read and now is not missed.
  const now = (await ctx.store.getRun(run.runId)) ?? run;
  const seen = new Set(missed);
  for (const second of missed) res.write(`id: ${++seq}\nevent: second\ndata: ${JSON.stringify(second)}\n\n`);
  allowed += res.writableLength;
  status(now);
  if (isTerminal(now.status)) return end();
  const waiting = queued;
  queued = undefined;
  for (const e of waiting) {
    if (ended) return;
    if (e.event === 'second' && seen.has(e.data)) continue;
    write(e);
    if (e.event === 'status' && isTerminal(e.data.status)) end();
  }
}

/** A hijacked reply skips fastify's hooks, so CORS headers are set by hand. */
function corsHeaders(request: FastifyRequest): Record<string, string> {
  const origin = request.headers.origin;
  return origin ? { 'access-control-allow-origin': origin, vary: 'Origin' } : {};
}
