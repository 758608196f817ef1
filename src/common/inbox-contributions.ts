import { Injectable } from '@nestjs/common';
import type { Caller } from './caller';

/** What other modules put in a caller's inbox: a governance chain waiting for the caller, say. */
export const CONTRIBUTED_INBOX_KINDS = ['reserveUseToAct', 'disputeToAct', 'referralToAct', 'surplusPlanToAct'] as const;

export interface ContributedInboxItem {
  kind: (typeof CONTRIBUTED_INBOX_KINDS)[number];
  id: number;
  /** The month the item belongs to (the month its step opened). */
  period: string;
  institutionCode: string;
  amount: string | null;
  deadline: string | null;
  overdue: boolean;
  /** The API path of the document. */
  link: string;
}

export type InboxContributor = (caller: Caller, today: string) => Promise<ContributedInboxItem[]>;

/**
 * The inbox is built by the claims module; modules that depend on it (governance) register here
 * what waits for a caller in their documents, instead of the claims module calling them.
 */
@Injectable()
export class InboxContributions {
  private readonly contributors: { name: string; contribute: InboxContributor }[] = [];

  register(name: string, contribute: InboxContributor): void {
    if (this.contributors.some((c) => c.name === name)) throw new Error(`inbox contributor ${name} registered twice`);
    this.contributors.push({ name, contribute });
  }

  async collect(caller: Caller, today: string): Promise<ContributedInboxItem[]> {
    const all: ContributedInboxItem[] = [];
    for (const c of this.contributors) all.push(...(await c.contribute(caller, today)));
    return all;
  }
}
