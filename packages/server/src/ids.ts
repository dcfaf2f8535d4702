/** Ids as the seed makes them: 10 characters of `[A-Za-z0-9]`, from a CSPRNG without bias. */
import { randomBytes } from 'node:crypto';

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function newId(length = 10): string {
  let out = '';
  while (out.length < length) {
    // 248 is the largest multiple of 62 below 256: bytes above it are skipped, so every letter is equally likely.
    for (const b of randomBytes(length * 2)) if (b < 248 && out.length < length) out += alphabet[b % 62];
  }
  return out;
}
