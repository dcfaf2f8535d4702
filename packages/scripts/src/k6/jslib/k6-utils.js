// dlt's own version of the helpers of jslib.k6.io/k6-utils that scripts use most.
import crypto from 'k6/crypto';

export function randomIntBetween(min, max) {
  return Math.floor(Math.random() * (max - min + 1) + min);
}

export function randomItem(items) {
  return items[Math.floor(Math.random() * items.length)];
}

export function randomString(length, charset = 'abcdefghijklmnopqrstuvwxyz') {
  let out = '';
  for (let i = 0; i < length; i++) out += charset.charAt(Math.floor(Math.random() * charset.length));
  return out;
}

export function uuidv4(secure = false) {
  const bytes = secure
    ? new Uint8Array(crypto.randomBytes(16))
    : Uint8Array.from({ length: 16 }, () => Math.floor(Math.random() * 256));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function findBetween(content, left, right, repeat = false) {
  const found = [];
  let from = 0;
  for (;;) {
    const start = content.indexOf(left, from);
    if (start === -1) break;
    const end = content.indexOf(right, start + left.length);
    if (end === -1) break;
    const value = content.slice(start + left.length, end);
    if (!repeat) return value;
    found.push(value);
    from = end + right.length;
  }
  return repeat ? found : null;
}

export function normalDistributionStages(maxVus, durationSeconds, numberOfStages = 10) {
  const stages = [];
  const step = durationSeconds / numberOfStages;
  for (let i = 0; i <= numberOfStages; i++) {
    const x = (i / numberOfStages) * 6 - 3;
    stages.push({ duration: `${Math.round(step)}s`, target: Math.round(maxVus * Math.exp((-x * x) / 2)) });
  }
  return stages;
}
