import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/app-config';

/** At most this many credentials are remembered; past it the cache starts again empty. */
const MAX_ENTRIES = 10_000;

/**
 * Verified credentials (a live session of an active user, an unrevoked API token) remembered for
 * `AUTH_CACHE_TTL_MS`, so that a signed-in reader's requests do not each ask the database who they
 * are. Only what the database confirmed is kept, never a refusal. Every change that can end or
 * narrow a credential (sign-out, password, deactivation, roles, token revocation) forgets
 * everything once its transaction has committed, so it takes effect at once on this instance;
 * other instances see it within the bound.
 */
@Injectable()
export class CallerCache<T = unknown> {
  private readonly entries = new Map<string, { value: T; until: number }>();
  private readonly ttlMs: number;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.ttlMs = config.auth.callerCacheTtlMs;
  }

  /** The remembered value, or what `load` returns (remembered when not null). */
  async get<V extends T>(key: string, load: () => Promise<V | null>): Promise<V | null> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.until > now) return hit.value as V;
    const generation = this.generation;
    const value = await load();
    // A change that committed while this load ran may have read before it: keep nothing then.
    if (value !== null && this.ttlMs > 0 && generation === this.generation) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
      this.entries.set(key, { value, until: now + this.ttlMs });
    }
    return value;
  }

  /** Forgets every credential: called after any change to sessions, users or tokens has committed. */
  forget(): void {
    this.generation++;
    this.entries.clear();
  }

  private generation = 0;
}
