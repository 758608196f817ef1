import fc from 'fast-check';
import { AUDIT_GENESIS_HASH, AuditChainFields, auditEntryHash, findFirstChainBreak } from './audit-chain';

function chain(bodies: Omit<AuditChainFields, 'id' | 'prevHash'>[]): (AuditChainFields & { hash: string })[] {
  let prevHash = AUDIT_GENESIS_HASH;
  return bodies.map((b, i) => {
    const e = { ...b, id: String(i + 1), prevHash };
    const hash = auditEntryHash(e);
    prevHash = hash;
    return { ...e, hash };
  });
}

const body = fc.record({
  occurredAt: fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
  actor: fc.string({ minLength: 1, maxLength: 10 }),
  actorInstitution: fc.option(fc.string({ maxLength: 8 }), { nil: null }),
  action: fc.string({ minLength: 1, maxLength: 12 }),
  entityType: fc.constantFrom('institution', 'county', 'allocation'),
  entityId: fc.string({ minLength: 1, maxLength: 8 }),
  changes: fc.json(),
  requestId: fc.option(fc.uuid(), { nil: null }),
  outcome: fc.constantFrom('SUCCESS', 'DENIED'),
});

describe('audit hash chain', () => {
  it('verifies an untouched chain of any length', () => {
    fc.assert(
      fc.property(fc.array(body, { maxLength: 30 }), (bodies) => {
        const result = findFirstChainBreak(chain(bodies));
        expect(result.break).toBeNull();
        expect(result.count).toBe(bodies.length);
      }),
    );
  });

  it('names the first altered entry, whichever field was changed', () => {
    fc.assert(
      fc.property(
        fc.array(body, { minLength: 1, maxLength: 20 }),
        fc.nat(),
        fc.constantFrom('actor', 'action', 'changes', 'entityId', 'outcome', 'occurredAt'),
        (bodies, at, field) => {
          const entries = chain(bodies);
          const i = at % entries.length;
          const tampered = entries.map((e, j) => (j === i ? { ...e, [field]: `${(e as unknown as Record<string, unknown>)[field]}x` } : e));
          expect(findFirstChainBreak(tampered).break).toEqual({ id: String(i + 1), reason: 'hashMismatch' });
        },
      ),
    );
  });

  it('detects a deleted entry at its successor', () => {
    const entries = chain(fc.sample(body, { numRuns: 5, seed: 7 }));
    const withGap = entries.filter((e) => e.id !== '3');
    expect(findFirstChainBreak(withGap).break).toEqual({ id: '4', reason: 'prevHashMismatch' });
  });

  it('keeps null and empty fields apart', () => {
    const base = fc.sample(body, { numRuns: 1, seed: 1 })[0];
    const a = auditEntryHash({ ...base, id: '1', prevHash: AUDIT_GENESIS_HASH, requestId: null });
    const b = auditEntryHash({ ...base, id: '1', prevHash: AUDIT_GENESIS_HASH, requestId: '' });
    expect(a).not.toBe(b);
  });
});
