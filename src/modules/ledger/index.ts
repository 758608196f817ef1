/** The ledger's public surface: documents post their transfers through LedgerService. */
export { LedgerModule } from './ledger.module';
export { type AccountBalance, type LedgerReference, LedgerService, type LedgerTransferView } from './ledger.service';
export * from './ledger.module';
export * from './ledger.service';
