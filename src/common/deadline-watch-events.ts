import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** One county's daily deadline watch, inside the transaction that records its run. */
export interface DeadlineWatchRun {
  manager: EntityManager;
  countyId: number;
  /** Today in Asia/Shanghai, YYYY-MM-DD. */
  today: string;
}

/** What a watcher found: counts for the run's result, and webhook deliveries to enqueue after commit. */
export interface DeadlineWatchFindings {
  counts: Record<string, number>;
  deliveryJobs: string[];
}

export type DeadlineWatcher = (run: DeadlineWatchRun) => Promise<DeadlineWatchFindings>;

/**
 * Deadlines kept by other modules than the cycles module that runs the daily watch (a dispute's
 * rectification deadline, say): their watchers register here instead of the cycles module
 * calling them (they depend on it). Each runs in the watch's transaction, so what it places
 * (a hold, notifications) commits with the run, exactly once.
 */
@Injectable()
export class DeadlineWatchEvents {
  private readonly watchers: { name: string; watch: DeadlineWatcher }[] = [];

  register(name: string, watch: DeadlineWatcher): void {
    if (this.watchers.some((w) => w.name === name)) throw new Error(`deadline watcher ${name} registered twice`);
    this.watchers.push({ name, watch });
  }

  /** The registered watchers' names, for the worker to check at start. */
  names(): string[] {
    return this.watchers.map((w) => w.name);
  }

  async watch(run: DeadlineWatchRun): Promise<DeadlineWatchFindings> {
    const all: DeadlineWatchFindings = { counts: {}, deliveryJobs: [] };
    for (const w of this.watchers) {
      const found = await w.watch(run);
      Object.assign(all.counts, found.counts);
      all.deliveryJobs.push(...found.deliveryJobs);
    }
    return all;
  }
}
