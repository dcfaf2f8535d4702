/**
 * Debian's Chromium for the browser tests (the report's here, the console's too), installed
 * with apt when missing (CI runs as root on a fresh machine), and a page that records every
 * request it makes.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { type Browser, chromium } from 'playwright-core';

const run = promisify(execFile);
const paths = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** Debian's Chromium, installing the package once when it is missing (as root, like CI). */
export async function chromiumPath(): Promise<string> {
  const found = paths.find((p) => existsSync(p));
  if (found) return found;
  const hint = 'install it with `apt-get install -y chromium` and run the tests again';
  if (process.getuid?.() !== 0) throw new Error(`Chromium is not installed and the tests are not root: ${hint}`);
  process.stderr.write('browser tests: Chromium is missing; installing Debian package chromium\n');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Other test files may install at the same moment: wait for dpkg's lock rather than fail.
  const lock = ['-o', 'DPkg::Lock::Timeout=300'];
  const opts = { env, maxBuffer: 64 << 20, timeout: 600_000 };
  try {
    await run('apt-get', [...lock, 'update'], opts);
    await run('apt-get', [...lock, 'install', '-y', '--no-install-recommends', 'chromium'], opts);
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`installing Chromium failed (${hint}):\n${err.stderr || err.message}`);
  }
  const installed = paths.find((p) => existsSync(p));
  if (!installed) throw new Error('apt-get installed chromium but no /usr/bin/chromium exists');
  return installed;
}

/** A headless Chromium (close it when done). */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: await chromiumPath(),
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
}
