// Pure policy code (SPEC.md): no Nest, no SQL, no Redis, no HTTP.
export * from './money';
export * from './domain-error';
export * from './rate';
export * from './largest-remainder';
export * from './fund-year-allocation';
export * from './primary-floor';
export * from './policy-parameters';
export * from './working-days';
export * from './calendar-data';
export * from './overspend-apportionment';
export { defineStateMachine, type StateMachine, type Transition } from './state-machine';
export * from './document-lifecycle';
export * from './ledger';
export * from './institution-registry';
export * from './access-policy';
export * from './audit-chain';
