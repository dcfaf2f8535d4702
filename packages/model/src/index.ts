export * from './compiled.ts';
export * from './errors.ts';
export * from './executor.ts';
export * from './sample.ts';
export * from './summary.ts';
export * from './threshold.ts';
export * from './vu-program.ts';
