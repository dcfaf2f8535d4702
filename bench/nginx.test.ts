/** The target's configuration: the method's directives, and nothing written outside its folder. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nginxConfig } from './nginx.ts';

test('nginxConfig: one worker, keep-alive for the whole run, no access log, on loopback', () => {
  const conf = nginxConfig('/tmp/x', 8089);
  for (const want of [
    'worker_processes 1;',
    'daemon off;',
    'access_log off;',
    'keepalive_requests 100000000;',
    'listen 127.0.0.1:8089 backlog=4096;',
    'return 200 "ok\\n";',
  ]) {
    assert.ok(conf.includes(want), want);
  }
});

test('nginxConfig: every path nginx writes is under its folder', () => {
  const conf = nginxConfig('/tmp/x', 8089);
  const paths = conf.match(/\s\/\S+/g) ?? [];
  assert.ok(paths.length >= 7, 'pid, error log and five temp folders');
  for (const p of paths) assert.ok(p.trim().startsWith('/tmp/x/'), p);
});
