import { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { staleVersion } from '../common/record-errors';

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
  if (expectedVersion !== currentVersion) throw staleVersion(currentVersion);
  const result = await manager
    .createQueryBuilder()
    .update(entity)
    .set({ ...changes, version: () => 'version + 1' } as never)
    .where('id = :id AND version = :version', { id, version: expectedVersion })
    .execute();
  if (result.affected !== 1) throw staleVersion(currentVersion);
}
