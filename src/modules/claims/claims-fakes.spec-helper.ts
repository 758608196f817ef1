import { EntityManager } from 'typeorm';
import { TransferSpec } from '../../domain/ledger';
import { Money } from '../../domain/money';
import { defaultPolicyParameters, PolicyParameters, policyTerms } from '../../domain/policy-parameters';

/** In-memory collaborators of the claims services (tests only): what they were asked to record. */

/** The transaction's manager: the fakes never touch it, they only pass it along. */
export const fakeManager = {} as EntityManager;

export class FakeTransactions {
  runs = 0;
  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    this.runs++;
    return work(fakeManager);
  }
}

export class FakeAudit {
  entries: { action: string; entityId: string; before: unknown; after: unknown }[] = [];
  record(_manager: EntityManager, r: { action: string; entityId: string; before: unknown; after: unknown }): Promise<void> {
    this.entries.push({ action: r.action, entityId: r.entityId, before: r.before, after: r.after });
    return Promise.resolve();
  }
}

export class FakeLedger {
  posted: { countyId: number; fundYear: number; transfers: TransferSpec[]; ref: { type: string; id: string } }[] = [];
  balances = new Map<string, Money>();
  post(_manager: EntityManager, countyId: number, fundYear: number, transfers: readonly TransferSpec[], ref: { type: string; id: string }) {
    this.posted.push({ countyId, fundYear, transfers: [...transfers], ref });
    return Promise.resolve({ posted: transfers.length, alreadyPosted: 0 });
  }
  balanceOf(_manager: EntityManager, _countyId: number, _fundYear: number, code: string): Promise<Money> {
    return Promise.resolve(this.balances.get(code) ?? Money.ZERO);
  }
  /** Every leg posted, as "id debit → credit amount". */
  legs(): string[] {
    return this.posted.flatMap((p) => p.transfers.map((t) => `${t.id} ${t.debit} → ${t.credit} ${t.amount.toString()}`));
  }
}

export class FakeClock {
  constructor(public day: string) {}
  today(): string {
    return this.day;
  }
}

export class FakeParameters {
  values: PolicyParameters = defaultPolicyParameters(2026);
  current(_manager: EntityManager, county: { id: number; code: string }, fundYear: number) {
    return Promise.resolve({ countyCode: county.code, fundYear, version: 1, source: 'saved' as const, values: this.values });
  }
  terms() {
    return Promise.resolve(policyTerms(this.values));
  }
}

export class FakeCalendar {
  cycleDeadlines(period: string) {
    const [y, m] = period.split('-').map(Number);
    const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
    return Promise.resolve({
      declaration: { deadline: `${next}-05`, calendarConfirmed: true },
      bureauPayment: { deadline: `${next}-28`, calendarConfirmed: false },
    });
  }
  passDownDeadline(receivedOn: string, workingDays: number) {
    return Promise.resolve({ deadline: `${receivedOn}+${workingDays}`, calendarConfirmed: true });
  }
}

/** Fakes stand in for typed collaborators: the services see only the methods they call. */
export function as<T>(fake: unknown): T {
  return fake as T;
}
