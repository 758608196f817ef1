import fc from 'fast-check';

/**
 * Every property test is bounded in time, shrinking included: a failing property whose
 * counterexample takes long to shrink stops after this limit and fails with the smallest
 * counterexample found so far (and its seed, to replay it), instead of holding up the run.
 */
const PROPERTY_TIME_LIMIT_MS = Number(process.env.PROPERTY_TIME_LIMIT_MS ?? 20_000);

fc.configureGlobal({ interruptAfterTimeLimit: PROPERTY_TIME_LIMIT_MS, markInterruptAsFailure: true });
