/** An outpatient settlement record of 8 October 2026 as a member unit sends it; `over` changes fields. */
export function outpatientRecord(externalId: string, unitCode: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    externalId,
    unitCode,
    insuredId: '532927199001011234',
    visitType: 'OUTPATIENT',
    visitDate: '2026-10-08',
    settlementDate: '2026-10-08',
    totalCost: '120.50',
    coveredCost: '100.00',
    fundPaid: '60.00',
    criticalIllnessPaid: '0.00',
    medicalAidPaid: '10.00',
    selfPaid: '50.50',
    ...over,
  };
}
