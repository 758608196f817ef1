import { DataSource, EntityManager } from 'typeorm';
import { isRetryableLockError } from '../common/record-errors';

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
