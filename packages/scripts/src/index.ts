/** Script front-ends: turn a test file (or a parsed definition) into executors and VU programs. */

export type { Bundle, BundleLimits } from './bundle/open-bundle.ts';
export { openBundle } from './bundle/open-bundle.ts';
export type { LoadOptions } from './compile.ts';
export { compileDefinition, loadTestFile } from './compile.ts';
export type { Conversion, ConvertTarget } from './convert/convert.ts';
export { convertFile, convertTargets, formatLost } from './convert/convert.ts';
export type { Lost } from './convert/jmx-load.ts';
export type { Interpolated } from './simple/interpolate.ts';
export { interpolate } from './simple/interpolate.ts';
export type { Limits } from './simple/limits.ts';
export { defaultLimits, executionDurationMs, executionMaxRate, executionMaxVus } from './simple/limits.ts';
export type { LoadOverrides } from './simple/overrides.ts';
