// Kept for the modules that read claims' record figures in their own aggregate queries; the
// statements themselves live in the claims repositories.
export { APPROVED_RECORD_SQL, sqlList } from './settlement-record.repository';
export { FUNDED_DECLARATION_SQL } from './declaration.repository';
