import { Inject, Injectable } from '@nestjs/common';
import { createHash, createHmac } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../config/app-config';

/**
 * Canonical hash of a record's content, so that a re-sent record is recognised as the same
 * (duplicate) or as changed (conflict). Absent values hash differently from empty text.
 */
export function contentHash(parts: readonly (string | null)[]): string {
  return createHash('sha256')
    .update(parts.map((p) => p ?? '\u0000').join('\u001f'))
    .digest('hex');
}

/** Insured persons' ids are never stored in clear (SPEC §4): only this keyed hash and a mask. */
@Injectable()
export class InsuredIdHasher {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  hash(insuredId: string): string {
    return createHmac('sha256', this.config.insuredIdHashKey).update(insuredId).digest('hex');
  }
}
