import { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { DomainError } from '../../domain/domain-error';

/**
 * Optimistic locking: applies `changes` only if the row is still at `expectedVersion`, and
 * bumps the version. A concurrent writer makes this refuse with 409 instead of overwriting.
 */
export async function updateVersioned<T extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  id: number,
  expectedVersion: number,
  currentVersion: number,
  changes: Record<string, unknown>,
): Promise<void> {
  const staleError = () =>
    new DomainError('STALE_VERSION', 'conflict', `the record changed since version ${expectedVersion}; reload it and try again`, [
      { field: 'version', rule: 'current', message: `current version is ${currentVersion}` },
    ]);
  if (expectedVersion !== currentVersion) throw staleError();
  const result = await manager
    .createQueryBuilder()
    .update(entity)
    .set({ ...changes, version: () => 'version + 1' } as never)
    .where('id = :id AND version = :version', { id, version: expectedVersion })
    .execute();
  if (result.affected !== 1) throw staleError();
}

export function notFound(what: string, code: string): DomainError {
  return new DomainError(`${what.toUpperCase().replace(/ /g, '_')}_NOT_FOUND`, 'not_found', `${what} ${code} does not exist`);
}

/** MySQL/MariaDB duplicate-key error (a concurrent insert of the same business key). */
export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: string }).code === 'ER_DUP_ENTRY';
}
