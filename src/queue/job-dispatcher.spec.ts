import { Injectable } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import type { Job } from 'bullmq';
import { currentContext } from '../common/request-context';
import { JobDispatcher } from './job-dispatcher';
import { JobHandler } from './job-handler.decorator';
import { JobRunsService } from './job-runs.service';
import { JOB_NAMES } from './jobs';
import { OutboxService } from './outbox.service';

/** Records what the dispatcher reports about runs (the table itself is covered by the e2e tests). */
class RecordedRuns {
  events: string[] = [];
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
  async complete(jobId: string): Promise<void> {
    this.completed.push(jobId);
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
  async post(): Promise<void> {}
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

  it('refuses to start when a declared job has no handler', async () => {
    await expect(boot(UploadWork, Unrelated)).rejects.toThrow('job registry.import-institutions has no handler');
  });

  it('refuses to start when a job has two handlers', async () => {
    await expect(boot(ImportWork, SecondImportWork, UploadWork)).rejects.toThrow(
      /registry.import-institutions has 2 handlers: ImportWork.run, SecondImportWork.again/,
    );
  });
});
