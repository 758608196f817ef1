import { DataSource, EntityManager } from 'typeorm';

/** InnoDB deadlock (1213) or lock wait timeout (1205): the transaction was rolled back and may simply run again. */
export function isRetryableLockError(err: unknown): boolean {
  const errno =
    (err as { errno?: number; driverError?: { errno?: number } }).errno ?? (err as { driverError?: { errno?: number } }).driverError?.errno;
  return errno === 1213 || errno === 1205;
}

/**
 * Runs `work` in a transaction, running it again (up to `attempts` times) when InnoDB chose it
 * as a deadlock victim. `work` must do nothing outside the database that cannot repeat.
 */
export async function inTransaction<T>(dataSource: DataSource, work: (manager: EntityManager) => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await dataSource.transaction(work);
    } catch (err) {
      if (attempt >= attempts || !isRetryableLockError(err)) throw err;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
    }
  }
}
