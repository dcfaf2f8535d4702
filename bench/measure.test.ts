/** Parsers for `/usr/bin/time -v`, /proc/PID/stat and /proc/net/tcp, on captured samples; and a real measured run. */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { busyTicks, countEstablished, measure, parseProcStat, parseTimeV } from './measure.ts';

const timeOk = `	Command being timed: "taskset -c 0 wrk -t1 -c50 -d3s --latency http://127.0.0.1:18089/"
	User time (seconds): 0.33
	System time (seconds): 2.71
	Percent of CPU this job got: 97%
	Elapsed (wall clock) time (h:mm:ss or m:ss): 0:03.10
	Average shared text size (kbytes): 0
	Maximum resident set size (kbytes): 4968
	Minor (reclaiming a frame) page faults: 547
	Voluntary context switches: 303
	Page size (bytes): 4096
	Exit status: 0
`;

const timeFailedLong = `Command exited with non-zero status 3
	Command being timed: "taskset -c 0 node x.js: a colon"
	User time (seconds): 61.20
	System time (seconds): 0.05
	Percent of CPU this job got: 99%
	Elapsed (wall clock) time (h:mm:ss or m:ss): 1:02:03.50
	Maximum resident set size (kbytes): 123456
	Exit status: 3
`;

test('parseTimeV: a clean run', () => {
  assert.deepEqual(parseTimeV(timeOk), { userS: 0.33, sysS: 2.71, wallS: 3.1, maxRssKb: 4968, exitStatus: 0 });
});

test('parseTimeV: a failed run over an hour, with a colon in the command', () => {
  assert.deepEqual(parseTimeV(timeFailedLong), {
    userS: 61.2,
    sysS: 0.05,
    wallS: 3723.5,
    maxRssKb: 123456,
    exitStatus: 3,
  });
});

test('parseTimeV: a report cut short is an error', () => {
  assert.throws(() => parseTimeV('Command terminated by signal 9\n'), /User time/);
});

test('parseProcStat: a name with spaces and parentheses', () => {
  const stat =
    '5018 (nginx: worker (x) process) S 5016 5016 5016 0 -1 4194624 204 0 0 0 812 3391 0 0 20 0 1 0 123 1 2 3';
  assert.deepEqual(parseProcStat(stat), { ppid: 5016, utime: 812, stime: 3391 });
});

test('busyTicks: all CPUs, without idle and iowait', () => {
  const stat = [
    'cpu  46264 1 14098 152240 994 5 3372 128 7 0',
    'cpu0 21989 0 6354 78003 107 0 1829 63 0 0',
    'intr 123 4 5',
  ].join('\n');
  assert.equal(busyTicks(stat), 46264 + 1 + 14098 + 5 + 3372 + 128);
  assert.throws(() => busyTicks('intr 1'), /no cpu line/);
});

const procNetTcp = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:46A9 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0
   1: 0100007F:D2F0 0100007F:46A9 01 00000000:00000000 00:00000000 00000000     0        0 2 1 0 20 4 30 10 -1
   2: 0100007F:46A9 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000    65        0 3 1 0 20 4 30 10 -1
   3: 0100007F:D2F2 0100007F:46A9 01 00000000:00000000 00:00000000 00000000     0        0 4 1 0 20 4 30 10 -1
   4: 0100007F:D2F4 0100007F:46A9 06 00000000:00000000 03:00000F9F 00000000     0        0 0 3 0
   5: 0100007F:D2F6 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 5 1 0 20 4 30 10 -1
`;

test('countEstablished: client sides in ESTABLISHED only (port 18089 = 0x46A9)', () => {
  assert.equal(countEstablished(procNetTcp, 18089), 2);
  assert.equal(countEstablished(procNetTcp, 8080), 1);
  assert.equal(countEstablished(procNetTcp, 9), 0);
});

test('measure: a real command, its output and its cost', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'dlt-bench-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const script = 'let x = 0; for (let i = 0; i < 3e7; i++) x += i; console.log("done"); process.exit(3)';
  const m = await measure({
    cmd: process.execPath,
    args: ['-e', script],
    cpus: '0',
    timeoutS: 30,
    cwd: dir,
    scratchDir: dir,
  });
  assert.equal(m.stdout, 'done\n');
  assert.equal(m.exitCode, 3);
  assert.equal(m.cost?.exitStatus, 3);
  assert.ok((m.cost?.userS ?? 0) + (m.cost?.sysS ?? 0) > 0, 'some CPU was used');
  assert.ok((m.cost?.maxRssKb ?? 0) > 10_000, 'Node needs more than 10 MB');
});

test('measure: the time limit ends a hung command', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'dlt-bench-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const started = Date.now();
  const m = await measure({ cmd: 'sleep', args: ['30'], cpus: '0', timeoutS: 1, cwd: dir, scratchDir: dir });
  assert.equal(m.exitCode, 124);
  assert.ok(Date.now() - started < 10_000);
});
