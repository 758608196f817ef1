import { DataSource, EntityManager } from 'typeorm';
import { PageWindow, pageOffset } from './pagination';

/** A list query in parts: the columns (`SELECT …`), the rows (`FROM … WHERE …`) and their order (the id last). */
export interface ListQuery {
  select: string;
  from: string;
  orderBy: string;
}

/**
 * One page of a list, cut in SQL: the rows within the window (LIMIT/OFFSET over an order that ends with the id, so
 * pages never overlap or skip a row) and the COUNT of every row the filters match.
 */
export async function selectPage<T>(
  db: DataSource | EntityManager,
  q: ListQuery,
  params: readonly unknown[],
  window: PageWindow,
): Promise<{ rows: T[]; total: number }> {
  const rows: T[] = await db.query(`${q.select} ${q.from} ORDER BY ${q.orderBy} LIMIT ? OFFSET ?`, [
    ...params,
    window.pageSize,
    pageOffset(window),
  ]);
  // A short page that is not empty ends the list: its position gives the total without counting.
  if (rows.length > 0 && rows.length < window.pageSize) return { rows, total: pageOffset(window) + rows.length };
  const [{ n }]: { n: string | number }[] = await db.query(`SELECT COUNT(*) AS n ${q.from}`, [...params]);
  return { rows, total: Number(n) };
}
