import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { CYCLE_NAMES } from '../../src/domain/cycle-schedule';
import { startWorker } from '../support/test-app';

describe('cycle schedules (BullMQ job schedulers, Asia/Shanghai)', () => {
  it('creates one scheduler per cycle at worker start, idempotently, and removes one configured off', async () => {
    const env = { QUEUE_PREFIX: `cbm-sched-${process.pid}`, SCHEDULES_ENABLED: 'true' };
    const first = await startWorker(env);
    const second = await startWorker(env);
    const queue = first.get<Queue>(getQueueToken('cycles'), { strict: false });
    try {
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers.map((s) => s.key).sort()).toEqual(CYCLE_NAMES.map((c) => `cycle.${c}`).sort());
      expect(schedulers.every((s) => s.tz === 'Asia/Shanghai')).toBe(true);
      expect(schedulers.find((s) => s.key === 'cycle.year-end')).toMatchObject({
        pattern: '0 0 3 10 1 *',
        template: expect.objectContaining({ data: { cycle: 'year-end' } }),
      });
      // The next year-end draft is due on 10 January, 03:00 in Shanghai (19:00 UTC the day before).
      expect(new Date(schedulers.find((s) => s.key === 'cycle.year-end')!.next!).toISOString()).toMatch(/-01-09T19:00:00.000Z$/);
    } finally {
      await second.close();
    }
    const third = await startWorker({ ...env, CYCLE_SCHEDULES: 'quarterly-advance=off;deadline-watch=0 0 2 * * *' });
    try {
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers.map((s) => s.key)).not.toContain('cycle.quarterly-advance');
      expect(schedulers.find((s) => s.key === 'cycle.deadline-watch')?.pattern).toBe('0 0 2 * * *');
      await queue.obliterate({ force: true });
    } finally {
      await third.close();
      await first.close();
    }
  });
});
