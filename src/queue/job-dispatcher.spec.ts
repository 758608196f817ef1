import { Injectable } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import type { Job } from 'bullmq';
import { currentContext } from '../common/request-context';
import { JobDispatcher } from './job-dispatcher';
import { JobHandler } from './job-handler.decorator';
import { JOB_NAMES } from './jobs';

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
  const moduleRef = await Test.createTestingModule({ imports: [DiscoveryModule], providers: [JobDispatcher, ...providers] }).compile();
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
    await moduleRef.close();
  });

  it('refuses to start when a declared job has no handler', async () => {
    await expect(boot(UploadWork, Unrelated)).rejects.toThrow('job registry.import-institutions has no handler');
  });

  it('refuses to start when a job has two handlers', async () => {
    await expect(boot(ImportWork, SecondImportWork, UploadWork)).rejects.toThrow(/registry.import-institutions has 2 handlers: ImportWork.run, SecondImportWork.again/);
  });
});
