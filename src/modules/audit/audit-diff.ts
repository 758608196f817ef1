type Snapshot = Record<string, unknown> | null;

/** Changed fields as `{field: [before, after]}`; a creation lists every field with `null` before. */
export function diffSnapshots(before: Snapshot, after: Snapshot): Record<string, [unknown, unknown]> {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  const changes: Record<string, [unknown, unknown]> = {};
  for (const key of keys) {
    const b = before?.[key] ?? null;
    const a = after?.[key] ?? null;
    if (JSON.stringify(b) !== JSON.stringify(a)) changes[key] = [b, a];
  }
  return changes;
}
