import type { AppendOnlyProtection } from '../config/app-config';

/**
 * The append-only tables (the audit log and the ledger's transfers) and who keeps them so.
 *
 * `trigger` (the default, MySQL and MariaDB): BEFORE UPDATE / BEFORE DELETE triggers refuse any
 * change, whoever connects. `app` (databases without triggers, such as TiDB): the migrations
 * create no triggers, and every pooled connection of the application refuses UPDATE, DELETE,
 * REPLACE and TRUNCATE of these tables before the statement reaches the database, with the
 * triggers' own messages; a change made behind the application's back (another client, an
 * operator) is then found by the audit chain's verification (`npm run audit:verify`), and the
 * database account the application uses should be granted only SELECT and INSERT on them.
 */

/** Each append-only table and the message a refused change carries (the triggers' own). */
export const APPEND_ONLY_TABLES: Readonly<Record<string, (verb: string) => string>> = {
  audit_log: (verb) => `audit_log is append-only: ${verb} refused`,
  ledger_transfer: () => 'ledger_transfer is immutable: post a reversing transfer',
};

/** What a statement would change, when it changes an append-only table: the refusal's message; null otherwise. */
export function appendOnlyRefusal(sql: string): string | null {
  const text = sql.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/^\s*(--[^\n]*\n\s*)*/, '');
  const verb = /^\s*(UPDATE|DELETE|REPLACE|TRUNCATE)\b/i.exec(text)?.[1]?.toUpperCase();
  if (!verb) return null;
  // The part of the statement that names the tables it writes: before SET (UPDATE), WHERE / USING's end (DELETE), the column list or VALUES.
  const target =
    verb === 'UPDATE'
      ? /^\s*UPDATE\b([\s\S]*?)\bSET\b/i.exec(text)?.[1]
      : verb === 'DELETE'
        ? /^\s*DELETE\b([\s\S]*?)(\bWHERE\b|\bORDER\b|\bLIMIT\b|$)/i.exec(text)?.[1]
        : /^\s*(?:REPLACE|TRUNCATE)\b([\s\S]*?)(\(|\bVALUES\b|\bSELECT\b|\bSET\b|$)/i.exec(text)?.[1];
  if (target === undefined) return null;
  for (const [table, message] of Object.entries(APPEND_ONLY_TABLES))
    if (new RegExp(`(^|[\\s,.\`(])${table}(\`|\\s|,|$)`, 'i').test(target)) return message(verb);
  return null;
}

/** The error a refused statement fails with: shaped like the triggers' SIGNAL (SQLSTATE 45000, errno 1644). */
export class AppendOnlyRefused extends Error {
  readonly code = 'ER_SIGNAL_EXCEPTION';
  readonly errno = 1644;
  readonly sqlState = '45000';
  readonly sqlMessage: string;
  constructor(message: string) {
    super(message);
    this.name = 'AppendOnlyRefused';
    this.sqlMessage = message;
  }
}

type Callback = (err: Error | null, ...rest: unknown[]) => void;
interface Queryable {
  query(...args: unknown[]): unknown;
  execute(...args: unknown[]): unknown;
}

/** Makes one mysql2 (callback) connection refuse changes to the append-only tables. */
export function guardAppendOnly(connection: Queryable): void {
  for (const method of ['query', 'execute'] as const) {
    const original = connection[method].bind(connection);
    connection[method] = (...args: unknown[]) => {
      const first = args[0];
      const sql = typeof first === 'string' ? first : (first as { sql?: unknown } | null)?.sql;
      const refusal = typeof sql === 'string' ? appendOnlyRefusal(sql) : null;
      if (refusal === null) return original(...args);
      const callback = [...args].reverse().find((a): a is Callback => typeof a === 'function');
      const err = new AppendOnlyRefused(refusal);
      if (callback) process.nextTick(() => callback(err));
      else throw err;
      return undefined;
    };
  }
}

/** The protection a data source was built with (the migrations read it to create the triggers or not). */
export function appendOnlyProtectionOf(options: object): AppendOnlyProtection {
  return (options as { appendOnlyProtection?: AppendOnlyProtection }).appendOnlyProtection ?? 'trigger';
}
