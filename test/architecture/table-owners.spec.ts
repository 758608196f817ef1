import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { documentedOwners, ROOT, writersByTable } from './table-writers';

/** Every table has one writer: its owner in docs/architecture.md. */
describe('table owners', () => {
  const owners = documentedOwners();
  const writers = writersByTable();

  it('lists an owner for every table the migrations create', () => {
    const dir = path.join(ROOT, 'migrations');
    const created = new Set<string>();
    for (const file of readdirSync(dir))
      for (const m of readFileSync(path.join(dir, file), 'utf8').matchAll(/CREATE TABLE (?:IF NOT EXISTS )?`?([a-z_]+)`?/gi))
        created.add(m[1]);
    expect([...created].filter((t) => !owners.has(t)).sort()).toEqual([]);
    expect(created.size).toBeGreaterThan(30);
  });

  it('finds the writers it is looking for', () => {
    // The scan itself must work: the ledger's transfers and the audit log are certainly written.
    expect([...(writers.get('ledger_transfer')?.keys() ?? [])]).toEqual(['ledger']);
    expect([...(writers.get('audit_log')?.keys() ?? [])]).toEqual(['audit']);
  });

  it('has every written table written by its owner only', () => {
    const wrong: string[] = [];
    for (const [table, byModule] of writers) {
      const owner = owners.get(table);
      for (const [module, file] of byModule)
        if (module !== owner) wrong.push(`${table} (owner ${owner ?? 'not listed'}) written by ${module}: ${file}`);
    }
    expect(wrong.sort()).toEqual([]);
  });
});
