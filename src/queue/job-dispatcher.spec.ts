import { Injectable } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { Job, UnrecoverableError } from 'bullmq';
import { currentContext } from '../common/request-context';
import { APP_CONFIG } from '../config/app-config';
import { DomainError } from '../domain/domain-error';
import { JobDispatcher } from './job-dispatcher';
import { JobRefusals } from './job-refusals';
import { JobHandler } from './job-handler.decorator';
import { JobRunsService } from './job-runs.service';
import { JOB_NAMES } from './jobs';
import { OutboxService } from './outbox.service';

/** Records what the dispatcher reports about runs (the table itself is covered by the e2e tests). */
class RecordedRuns {
  events: string[] = [];
  async markStalled(): Promise<void> {}
  exclusively<T>(_jobId: string, work: () => Promise<T>): Promise<T> {
    return work();
  }
  async start(job: Job): Promise<number> {
    this.events.push(`start ${job.id}`);
    return this.events.length;
  }
  async finish(_id: number, outcome: string, _result: unknown, error?: string): Promise<void> {
    this.events.push(`${outcome}${error ? ` ${error}` : ''}`);
  }
}
class RecordedOutbox {
  completed: string[] = [];
  refused: string[] = [];
  unfinished = new Set<string>();
  async complete(jobId: string): Promise<void> {
    this.completed.push(jobId);
  }
  async refuse(jobId: string, reason: string): Promise<void> {
    this.refused.push(`${jobId} ${reason}`);
  }
  async willResume(jobId: string): Promise<boolean> {
    return this.unfinished.has(jobId);
  }
}

@Injectable()
class CycleWork {
  @JobHandler('cycle.tick')
  async tick(): Promise<void> {}
  @JobHandler('cycle.run')
  async run(): Promise<void> {
    throw new Error('no package');
  }
  @JobHandler('notify.webhook')
  async deliver(): Promise<void> {}
  @JobHandler('yearend.post')
  async post(payload: { settlementId: number }): Promise<void> {
    if (payload.settlementId < 0) throw new DomainError('YEAR_END_NOT_APPROVED', 'conflict', 'year-end settlement is DRAFT, not approved');
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
}

@Injectable()
class ImportWork {
  calls: unknown[] = [];
  @JobHandler('registry.import-institutions')
  async run(payload: unknown): Promise<string> {
    this.calls.push(payload);
    return currentContext().requestId;
  }
}

@Injectable()
class UploadWork {
  @JobHandler('intake.process-upload')
  async process(): Promise<void> {}
  @JobHandler('rules.review-batch')
  async review(): Promise<void> {}
}

@Injectable()
class SecondImportWork {
  @JobHandler('registry.import-institutions')
  async again(): Promise<void> {}
}

@Injectable()
class Unrelated {
  plain(): void {}
}

async function boot(...providers: (new (...args: never[]) => unknown)[]) {
  const moduleRef = await Test.createTestingModule({
    imports: [DiscoveryModule],
    providers: [
      JobDispatcher,
      CycleWork,
      ...providers,
      { provide: JobRunsService, useClass: RecordedRuns },
      { provide: OutboxService, useClass: RecordedOutbox },
      JobRefusals,
      { provide: APP_CONFIG, useValue: { queue: { testJobDelayMs: 0, redriveAfterMs: 60_000 } } },
    ],
  }).compile();
  await moduleRef.init();
  return moduleRef;
}

describe('JobDispatcher', () => {
  it('routes every declared job to its one handler, inside a job context', async () => {
    const moduleRef = await boot(ImportWork, UploadWork, Unrelated);
    const dispatcher = moduleRef.get(JobDispatcher);
    expect(dispatcher.registeredJobs().sort()).toEqual([...JOB_NAMES].sort());
    const result = await dispatcher.dispatch({ id: 'abc', name: 'registry.import-institutions', data: { importId: 'x' } } as Job);
    expect(moduleRef.get(ImportWork).calls).toEqual([{ importId: 'x' }]);
    expect(result).toBe('job:abc');
    expect((moduleRef.get(JobRunsService) as unknown as RecordedRuns).events).toEqual(['start abc', 'DONE']);
    expect((moduleRef.get(OutboxService) as unknown as RecordedOutbox).completed).toEqual(['abc']);
    await moduleRef.close();
  });

  it('records a failed run and leaves its outbox row open for the retry', async () => {
    const moduleRef = await boot(ImportWork, UploadWork);
    await expect(moduleRef.get(JobDispatcher).dispatch({ id: 'r1', name: 'cycle.run', data: {} } as Job)).rejects.toThrow('no package');
    expect((moduleRef.get(JobRunsService) as unknown as RecordedRuns).events).toEqual(['start r1', 'FAILED no package']);
    expect((moduleRef.get(OutboxService) as unknown as RecordedOutbox).completed).toEqual([]);
    await moduleRef.close();
  });

  it('stops a job a rule refused: no retry, the reason kept on its outbox row', async () => {
    const moduleRef = await boot(ImportWork, UploadWork);
    const dispatcher = moduleRef.get(JobDispatcher);
    const announced: { id: string; name: string; code: string }[] = [];
    moduleRef.get(JobRefusals).listen(async (j) => void announced.push({ id: j.id, name: j.name, code: j.code }));
    const job = { id: 'y1', name: 'yearend.post', data: { settlementId: -1 }, opts: { attempts: 8 }, attemptsMade: 1 } as unknown as Job;
    const error = await dispatcher.dispatch(job).catch((err: Error) => err);
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect((error as Error).message).toBe('refused: YEAR_END_NOT_APPROVED: year-end settlement is DRAFT, not approved');
    const outbox = moduleRef.get(OutboxService) as unknown as RecordedOutbox;
    expect(outbox.refused).toEqual(['y1 YEAR_END_NOT_APPROVED: year-end settlement is DRAFT, not approved']);
    expect(outbox.completed).toEqual([]);
    expect((await dispatcher.fateOf(job, error as Error)).next).toMatch(/^refused: it stops here/);
    expect(announced).toEqual([{ id: 'y1', name: 'yearend.post', code: 'YEAR_END_NOT_APPROVED' }]);
    await moduleRef.close();
  });

  it('says what happens to a failed job: a retry, the sweeper, or nothing', async () => {
    const moduleRef = await boot(ImportWork, UploadWork);
    const dispatcher = moduleRef.get(JobDispatcher);
    const outbox = moduleRef.get(OutboxService) as unknown as RecordedOutbox;
    const job = (id: string, attemptsMade: number) =>
      ({ id, name: 'yearend.post', opts: { attempts: 8, backoff: { type: 'exponential', delay: 5000 } }, attemptsMade }) as unknown as Job;
    expect(await dispatcher.fateOf(job('a', 2), new Error('connection lost'))).toEqual({ final: false, next: 'will retry in 10 s' });
    outbox.unfinished.add('b');
    const stalled = new UnrecoverableError('job stalled more than allowable limit');
    expect(await dispatcher.fateOf(job('b', 1), stalled)).toEqual({
      final: true,
      next: 'failed; the outbox sweeper runs it again in about 60 s',
    });
    expect((await dispatcher.fateOf(job('c', 8), new Error('boom'))).next).toMatch(/^giving up: no outbox row resumes it/);
    await moduleRef.close();
  });

  it('never runs one job twice at once in one process: a second arrival waits for the first run', async () => {
    const moduleRef = await boot(ImportWork, UploadWork);
    const dispatcher = moduleRef.get(JobDispatcher);
    const job = { id: 'p1', name: 'yearend.post', data: { settlementId: 1 } } as Job;
    await Promise.all([dispatcher.dispatch(job), dispatcher.dispatch(job)]);
    expect((moduleRef.get(JobRunsService) as unknown as RecordedRuns).events).toEqual(['start p1', 'DONE', 'start p1', 'DONE']);
    await moduleRef.close();
  });

  it('refuses to start when a declared job has no handler', async () => {
    await expect(boot(UploadWork, Unrelated)).rejects.toThrow('job registry.import-institutions has no handler');
  });

  it('refuses to start when a job has two handlers', async () => {
    await expect(boot(ImportWork, SecondImportWork, UploadWork)).rejects.toThrow(
      /registry.import-institutions has 2 handlers: ImportWork.run, SecondImportWork.again/,
    );
  });
});
