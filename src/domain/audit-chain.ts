import { createHash } from 'node:crypto';

/** The first `prev_hash` of the chain. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

/** The fields of an audit entry that its hash covers: all of them but its own hash. */
export interface AuditChainFields {
  id: string;
  occurredAt: string; // ISO-8601 UTC with milliseconds
  actor: string;
  actorInstitution: string | null;
  action: string;
  entityType: string;
  entityId: string;
  changes: string;
  requestId: string | null;
  outcome: string;
  prevHash: string;
}

/**
 * hash = SHA-256 over the previous hash and every field, in a fixed order, each
 * length-prefixed so that no two different entries serialise alike.
 */
export function auditEntryHash(e: AuditChainFields): string {
  const parts = [
    e.prevHash,
    e.id,
    e.occurredAt,
    e.actor,
    e.actorInstitution ?? '\u0000',
    e.action,
    e.entityType,
    e.entityId,
    e.changes,
    e.requestId ?? '\u0000',
    e.outcome,
  ];
  const h = createHash('sha256');
  for (const p of parts) {
    const bytes = Buffer.from(p, 'utf8');
    h.update(`${bytes.length}:`);
    h.update(bytes);
  }
  return h.digest('hex');
}

export interface ChainBreak {
  id: string;
  reason: 'prevHashMismatch' | 'hashMismatch';
}

/**
 * Walks entries in id order from `prevHash` and names the first entry whose stored hashes do
 * not match a recomputation; `null` when the chain is intact.
 */
export function findFirstChainBreak(
  entries: Iterable<AuditChainFields & { hash: string }>,
  prevHash = AUDIT_GENESIS_HASH,
): { break: ChainBreak | null; lastHash: string; count: number } {
  let count = 0;
  for (const e of entries) {
    if (e.prevHash !== prevHash) return { break: { id: e.id, reason: 'prevHashMismatch' }, lastHash: prevHash, count };
    if (auditEntryHash(e) !== e.hash) return { break: { id: e.id, reason: 'hashMismatch' }, lastHash: prevHash, count };
    prevHash = e.hash;
    count++;
  }
  return { break: null, lastHash: prevHash, count };
}
