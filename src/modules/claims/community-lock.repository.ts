import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/**
 * The community row as the claim cycle's lock: declaring, approving, holds, advances and
 * out-of-county imports take it exclusively, so two of them never decide on the same balance;
 * intake shares it, so that declaring waits for a batch being stored, or the batch for it.
 */
@Injectable()
export class CommunityLockRepository {
  async lock(manager: EntityManager, communityId: number): Promise<void> {
    await manager.query('SELECT id FROM medical_community WHERE id = ? FOR UPDATE', [communityId]);
  }

  async share(manager: EntityManager, communityId: number): Promise<void> {
    await manager.query('SELECT id FROM medical_community WHERE id = ? LOCK IN SHARE MODE', [communityId]);
  }
}
