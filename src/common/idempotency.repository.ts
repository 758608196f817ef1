import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** The request that first used an idempotency key; `statusCode` null while it is still running. */
export interface PriorRequest {
  requestHash: string;
  statusCode: number | null;
  response: string | null;
}

/** Every statement on idempotency_key (owned by the HTTP layer). */
@Injectable()
export class IdempotencyRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Records the key; fails with a duplicate-key error when another request holds it. */
  async insert(actor: string, key: string, route: string, requestHash: string): Promise<void> {
    await this.dataSource.query('INSERT INTO idempotency_key (actor, idem_key, route, request_hash) VALUES (?, ?, ?, ?)', [
      actor,
      key,
      route,
      requestHash,
    ]);
  }

  async find(actor: string, key: string): Promise<PriorRequest | null> {
    const [prior]: { request_hash: string; status_code: number | null; response: string | null }[] = await this.dataSource.query(
      'SELECT request_hash, status_code, response FROM idempotency_key WHERE actor = ? AND idem_key = ?',
      [actor, key],
    );
    return prior ? { requestHash: prior.request_hash, statusCode: prior.status_code, response: prior.response } : null;
  }

  async complete(actor: string, key: string, statusCode: number, response: string): Promise<void> {
    await this.dataSource.query('UPDATE idempotency_key SET status_code = ?, response = ? WHERE actor = ? AND idem_key = ?', [
      statusCode,
      response,
      actor,
      key,
    ]);
  }

  async release(actor: string, key: string): Promise<void> {
    await this.dataSource.query('DELETE FROM idempotency_key WHERE actor = ? AND idem_key = ?', [actor, key]);
  }
}
