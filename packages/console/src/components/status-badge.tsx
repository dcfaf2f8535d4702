/** A run status as a coloured badge; running states pulse. */
import type { TestStatus } from '@dlt/client';

const tones: Record<TestStatus, string> = {
  created: 'idle',
  scheduled: 'idle',
  queued: 'busy',
  provisioning: 'busy',
  running: 'busy',
  cancelling: 'busy',
  'parsing results': 'busy',
  complete: 'ok',
  cancelled: 'warn',
  failed: 'bad',
};

export function StatusBadge({ status }: { status: TestStatus | string }) {
  const tone = tones[status as TestStatus] ?? 'idle';
  return <span className={`badge ${tone}`}>{status}</span>;
}

export const isActive = (s: string) => tones[s as TestStatus] === 'busy';
