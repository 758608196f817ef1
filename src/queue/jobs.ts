import type { JobsOptions } from 'bullmq';

/**
 * Every queue, job name, payload type and job option of the service, in one place.
 * The worker refuses to start when a job here has no handler, or two.
 */
export const QUEUES = {
  registry: 'registry',
  intake: 'intake',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export interface JobPayloads {
  /** Processes a stored institution upload too large to import within the request. */
  'registry.import-institutions': { importId: string };
  /** Checks and stores a settlement-record file too large to take within the request. */
  'intake.process-upload': { uploadId: string };
}
export type JobName = keyof JobPayloads;

interface JobDefinition<K extends JobName> {
  queue: QueueName;
  /** Deterministic id: enqueuing the same work twice yields one job (BullMQ ids may not contain ':'). */
  jobId(payload: JobPayloads[K]): string;
  options: Omit<JobsOptions, 'jobId'>;
}

const KEEP = { removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 }, removeOnFail: { age: 30 * 24 * 3600 } };

export const JOBS: { [K in JobName]: JobDefinition<K> } = {
  'registry.import-institutions': {
    queue: QUEUES.registry,
    jobId: (p) => `registry.import-institutions.${p.importId}`,
    options: { attempts: 5, backoff: { type: 'exponential', delay: 2000 }, ...KEEP },
  },
  'intake.process-upload': {
    queue: QUEUES.intake,
    jobId: (p) => `intake.process-upload.${p.uploadId}`,
    options: { attempts: 5, backoff: { type: 'exponential', delay: 2000 }, ...KEEP },
  },
};

export const JOB_NAMES = Object.keys(JOBS) as JobName[];
