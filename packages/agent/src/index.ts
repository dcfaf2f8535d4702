/** The agent: one worker that compiles a test, runs it on the engine and reports what it measured. */

export { findLocust } from './locust/find-locust.ts';
export { type AgentExit, type AgentOptions, runAgent } from './remote/remote-agent.ts';
export { compileTask } from './remote/task-test.ts';
export { type LocalRunOptions, type LocalRunOutcome, runLocal, type SecondView } from './run-local.ts';
export { runShare, type ShareOptions, type ShareOutcome } from './run-share.ts';
export { share, splitExecutor, splitExecutors } from './split.ts';
export { compileSource, type TestSource } from './test-source.ts';
export { type PoolOptions, runOnWorkers } from './worker-pool.ts';
