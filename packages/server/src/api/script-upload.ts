/**
 * Stores a test's uploaded script or zip as an artifact, after every check has passed (size by
 * the route's body limit, a zip's entries from its central directory), so a refused upload
 * leaves nothing behind. The test's `fileType` follows what was uploaded.
 */
import type { ApiContext } from './context.ts';
import { badRequest, notFound } from './errors.ts';
import { checkZip } from './zip-check.ts';

/** The script extensions each test type runs. */
const scriptExtensions: Readonly<Record<string, readonly string[]>> = {
  jmeter: ['.jmx'],
  k6: ['.js', '.ts'],
  locust: ['.py'],
  simple: [],
};

/**
 * Why a bare script is plainly not one, found from its first bytes so the uploader hears it now
 * rather than when a run fails: binary content, or a .jmx without JMeter's root element.
 */
function scriptProblem(name: string, bytes: Buffer): string | undefined {
  const head = bytes.subarray(0, 64 * 1024);
  if (head.includes(0)) return `${name} is not a text file (it holds NUL bytes); upload the script or a .zip`;
  if (name.endsWith('.jmx') && !/<jmeterTestPlan[\s>/]/.test(head.toString('utf8'))) {
    return `${name} is not a JMeter plan: no <jmeterTestPlan> element (save the plan from JMeter as .jmx)`;
  }
  return undefined;
}

export async function storeScript(ctx: ApiContext, testId: string, name: string, bytes: Buffer) {
  const test = await ctx.store.getTest(testId);
  if (!test) throw notFound('TEST_NOT_FOUND', `test ${testId}`);
  if (test.testType === 'simple') {
    throw badRequest('INVALID_PARAMETER', [
      { field: 'testType', message: 'simple tests carry their definition, not a file' },
    ]);
  }
  const wanted = scriptExtensions[test.testType] ?? [];
  const isZip = name.endsWith('.zip');
  if (isZip) {
    const check = checkZip(bytes, { maxEntries: ctx.limits.zipEntries, maxUnpackedBytes: ctx.limits.zipUnpackedBytes });
    if (!check.ok) throw badRequest('INVALID_REQUEST_BODY', check.problems);
    if (!check.listing.names.some((n) => wanted.some((ext) => n.endsWith(ext)))) {
      throw badRequest('INVALID_REQUEST_BODY', [
        { field: 'file', message: `the zip holds no ${wanted.join(' or ')} file for a ${test.testType} test` },
      ]);
    }
  } else if (!wanted.some((ext) => name.endsWith(ext))) {
    throw badRequest('INVALID_QUERY', [
      { field: 'name', message: `a ${test.testType} script ends in ${wanted.join(' or ')} (or upload a .zip)` },
    ]);
  }
  if (bytes.length === 0) throw badRequest('INVALID_REQUEST_BODY', [{ field: 'file', message: 'is empty' }]);
  if (!isZip) {
    const why = scriptProblem(name, bytes);
    if (why) throw badRequest('INVALID_REQUEST_BODY', [{ field: 'file', message: why }]);
  }
  const key = `tests/${testId}/${name}`;
  await ctx.artifacts.put(key, bytes);
  if (test.scriptKey && test.scriptKey !== key) await ctx.artifacts.delete(test.scriptKey);
  const fileType = isZip ? 'zip' : 'script';
  await ctx.store.putTest({ ...test, scriptKey: key, scriptName: name, fileType, updatedAt: new Date().toISOString() });
  return { testId, scriptName: name, fileType, size: bytes.length };
}
