import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** A user's roles changed (or were first given), inside the transaction that changed them. */
export interface RolesChanged {
  manager: EntityManager;
  username: string;
  countyId: number;
  before: readonly string[];
  after: readonly string[];
  changedBy: string | null;
}

export type RolesChangedListener = (event: RolesChanged) => Promise<void>;

/**
 * Who hears of role changes. Users live in the access module; the notifications that tell the
 * county's auditors live in the cycles module, which depends on access: the listener registers
 * here instead of access calling it. Listeners run in the changing transaction, so a change and
 * its notice commit together.
 */
@Injectable()
export class RoleChangeEvents {
  private readonly listeners: RolesChangedListener[] = [];

  listen(listener: RolesChangedListener): void {
    this.listeners.push(listener);
  }

  async rolesChanged(event: RolesChanged): Promise<void> {
    for (const listener of this.listeners) await listener(event);
  }
}
