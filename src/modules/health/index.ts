/** Health probes: liveness and readiness routes, and the start-up dependency check. */
export { HealthModule } from './health.module';
export { assertDependenciesReachable, probe, type ProbeResult } from './dependency-probes';
export * from './dependency-probes';
export * from './health.module';
