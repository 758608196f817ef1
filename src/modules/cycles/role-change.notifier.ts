import { Injectable, OnModuleInit } from '@nestjs/common';
import { RoleChangeEvents, RolesChanged } from '../../common/role-change-events';
import { NoticeRecipientsRepository } from './notice-recipients.repository';
import { NotificationService } from './notification.service';

/** Every change of a user's roles is told to the county's auditors, in the transaction that makes it. */
@Injectable()
export class RoleChangeNotifier implements OnModuleInit {
  constructor(
    private readonly events: RoleChangeEvents,
    private readonly recipients: NoticeRecipientsRepository,
    private readonly notifications: NotificationService,
  ) {}

  onModuleInit(): void {
    this.events.listen((event) => this.notify(event));
  }

  async notify(e: RolesChanged): Promise<void> {
    const change = `${e.before.join('+') || '—'} → ${e.after.join('+') || '—'}`;
    for (const institutionId of await this.recipients.auditorInstitutions(e.manager, e.countyId)) {
      await this.notifications.notify(e.manager, {
        institutionId,
        kind: 'USER_ROLES_CHANGED',
        severity: 'INFO',
        dedupKey: `user-roles:${institutionId}:${e.username}:${Date.now()}`,
        subjectType: 'user',
        subjectId: e.username,
        message: `roles of ${e.username}: ${change}${e.changedBy ? ` (by ${e.changedBy})` : ''}`,
        details: { before: [...e.before], after: [...e.after], changedBy: e.changedBy },
      });
    }
  }
}
