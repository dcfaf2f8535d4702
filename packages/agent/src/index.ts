/** The agent: one worker that compiles a test, runs it on the engine and reports what it measured. */
export { type LocalRunOptions, type LocalRunOutcome, runLocal, type SecondView } from './run-local.ts';
export { compileSource, type TestSource } from './test-source.ts';
