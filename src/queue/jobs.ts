import type { JobsOptions } from 'bullmq';
import type { CycleName } from '../domain/cycle-schedule';

/**
 * Every queue, job name, payload type and job option of the service, in one place.
 * The worker refuses to start when a job here has no handler, or two.
 */
export const QUEUES = {
  registry: 'registry',
  intake: 'intake',
  cycles: 'cycles',
  notify: 'notify',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export interface JobPayloads {
  /** Processes a stored institution upload too large to import within the request. */
  'registry.import-institutions': { importId: string };
  /** Checks and stores a settlement-record file too large to take within the request. */
  'intake.process-upload': { uploadId: string };
  /** Runs the county's review rules (智能审核) over a stored intake batch; idempotent per batch. */
  'rules.review-batch': { batchId: string };
  /** A schedule fired: works out the cycle's period from the business date and queues one run per scope. */
  'cycle.tick': { cycle: CycleName };
  /** One cycle for one period and scope (a county or community code); its result is kept in MySQL. */
  'cycle.run': { cycle: CycleName; period: string; scope: string; requestedBy?: string; refresh?: boolean };
  /** Delivers a notification to its institution's webhook, retried with backoff. */
  'notify.webhook': { notificationId: number };
  /** Posts an approved year-end settlement to the ledger, transfer by transfer, resumable. */
  'yearend.post': { settlementId: number };
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
  'rules.review-batch': {
    queue: QUEUES.intake,
    jobId: (p) => `rules.review-batch.${p.batchId}`,
    options: { attempts: 8, backoff: { type: 'exponential', delay: 2000 }, ...KEEP },
  },
  'cycle.tick': {
    queue: QUEUES.cycles,
    jobId: (p) => `cycle.tick.${p.cycle}`,
    options: { attempts: 5, backoff: { type: 'exponential', delay: 5000 }, ...KEEP },
  },
  'cycle.run': {
    queue: QUEUES.cycles,
    jobId: (p) => `cycle.run.${p.cycle}.${p.period}.${p.scope}`,
    options: { attempts: 8, backoff: { type: 'exponential', delay: 5000 }, ...KEEP },
  },
  'notify.webhook': {
    queue: QUEUES.notify,
    jobId: (p) => `notify.webhook.${p.notificationId}`,
    options: { attempts: 10, backoff: { type: 'exponential', delay: 5000 }, ...KEEP },
  },
  'yearend.post': {
    queue: QUEUES.cycles,
    jobId: (p) => `yearend.post.${p.settlementId}`,
    options: { attempts: 8, backoff: { type: 'exponential', delay: 5000 }, ...KEEP },
  },
};

export const JOB_NAMES = Object.keys(JOBS) as JobName[];
