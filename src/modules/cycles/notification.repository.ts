import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { selectPage } from '../../common/page.repository';
import { PageWindow } from '../../common/pagination';

export type Severity = 'INFO' | 'WATCH' | 'WARNING' | 'ALARM';

export interface NewNotification {
  institutionId: number;
  kind: string;
  severity: Severity;
  /** One notification per key, ever: the deadline watch and monitoring may run any number of times. */
  dedupKey: string;
  subjectType: string;
  subjectId: string;
  message: string;
  details?: Record<string, unknown>;
}

/** A notification row as MySQL returns it. */
export interface NotificationRow {
  id: number;
  kind: string;
  severity: Severity;
  subject_type: string;
  subject_id: string;
  message: string;
  details: string | null;
  created_at: Date;
  read_at: Date | null;
  read_by: string | null;
  delivered_at: Date | null;
}

/** A webhook row as MySQL returns it. */
export interface WebhookRow {
  url: string;
  secret: string;
  enabled: number | string;
  version: number | string;
  updated_by: string;
  updated_at: Date;
}

/** A notification with what its delivery needs: the webhook and the institution's code. */
export interface DeliveryRow extends NotificationRow {
  url: string | null;
  secret: string | null;
  enabled: number | string | null;
  institution_code: string;
}

/** The notification and notification_webhook tables. */
@Injectable()
export class NotificationRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Inserts the notification unless its key exists; its id when inserted, else null. */
  async insertUnlessKeyed(manager: EntityManager, n: NewNotification): Promise<number | null> {
    const result = await manager.query(
      'INSERT IGNORE INTO notification (institution_id, kind, severity, dedup_key, subject_type, subject_id, message, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [
        n.institutionId,
        n.kind,
        n.severity,
        n.dedupKey.slice(0, 200),
        n.subjectType,
        n.subjectId,
        n.message.slice(0, 1000),
        n.details ? JSON.stringify(n.details) : null,
      ],
    );
    return Number(result.affectedRows) === 1 ? Number(result.insertId) : null;
  }

  /** One page of an institution's notifications, newest first. */
  async list(
    institutionId: number,
    filter: { unread?: boolean; kind?: string },
    window: PageWindow,
  ): Promise<{ rows: NotificationRow[]; total: number }> {
    const where = ['institution_id = ?'];
    const params: unknown[] = [institutionId];
    if (filter.unread) where.push('read_at IS NULL');
    if (filter.kind) {
      where.push('kind = ?');
      params.push(filter.kind);
    }
    return selectPage(
      this.dataSource,
      { select: 'SELECT *', from: `FROM notification WHERE ${where.join(' AND ')}`, orderBy: 'id DESC' },
      params,
      window,
    );
  }

  async unreadCount(institutionId: number): Promise<number> {
    const [{ unread }] = await this.dataSource.query(
      'SELECT COUNT(*) AS unread FROM notification WHERE institution_id = ? AND read_at IS NULL',
      [institutionId],
    );
    return Number(unread);
  }

  async markRead(institutionId: number, id: number, reader: string): Promise<void> {
    await this.dataSource.query(
      'UPDATE notification SET read_at = CURRENT_TIMESTAMP(3), read_by = ? WHERE id = ? AND institution_id = ? AND read_at IS NULL',
      [reader, id, institutionId],
    );
  }

  async findOfInstitution(institutionId: number, id: number): Promise<NotificationRow | undefined> {
    const [row]: NotificationRow[] = await this.dataSource.query('SELECT * FROM notification WHERE id = ? AND institution_id = ?', [
      id,
      institutionId,
    ]);
    return row;
  }

  async markAllRead(institutionId: number, reader: string): Promise<number> {
    const result = await this.dataSource.query(
      'UPDATE notification SET read_at = CURRENT_TIMESTAMP(3), read_by = ? WHERE institution_id = ? AND read_at IS NULL',
      [reader, institutionId],
    );
    return Number(result.affectedRows);
  }

  async forDelivery(notificationId: number): Promise<DeliveryRow | undefined> {
    const [row]: DeliveryRow[] = await this.dataSource.query(
      'SELECT n.*, w.url, w.secret, w.enabled, i.code AS institution_code FROM notification n JOIN institution i ON i.id = n.institution_id LEFT JOIN notification_webhook w ON w.institution_id = n.institution_id WHERE n.id = ?',
      [notificationId],
    );
    return row;
  }

  async recordDelivered(notificationId: number): Promise<void> {
    await this.dataSource.query(
      'UPDATE notification SET delivered_at = CURRENT_TIMESTAMP(3), delivery_attempts = delivery_attempts + 1, delivery_error = NULL WHERE id = ?',
      [notificationId],
    );
  }

  async recordDeliveryFailure(notificationId: number, error: string): Promise<void> {
    await this.dataSource.query('UPDATE notification SET delivery_attempts = delivery_attempts + 1, delivery_error = ? WHERE id = ?', [
      error,
      notificationId,
    ]);
  }

  // ------------------------------------------------------------ webhooks

  async webhook(institutionId: number, manager: EntityManager = this.dataSource.manager, lock = false): Promise<WebhookRow | undefined> {
    const [row]: WebhookRow[] = await manager.query(
      `SELECT * FROM notification_webhook WHERE institution_id = ?${lock ? ' FOR UPDATE' : ''}`,
      [institutionId],
    );
    return row;
  }

  async webhookEnabled(manager: EntityManager, institutionId: number): Promise<boolean> {
    const [hook] = await manager.query('SELECT enabled FROM notification_webhook WHERE institution_id = ?', [institutionId]);
    return Boolean(hook && Number(hook.enabled));
  }

  async insertWebhook(
    manager: EntityManager,
    institutionId: number,
    w: { url: string; secret: string; enabled: boolean; by: string },
  ): Promise<void> {
    await manager.query('INSERT INTO notification_webhook (institution_id, url, secret, enabled, updated_by) VALUES (?, ?, ?, ?, ?)', [
      institutionId,
      w.url,
      w.secret,
      w.enabled ? 1 : 0,
      w.by,
    ]);
  }

  /** A null secret keeps the current one. */
  async updateWebhook(
    manager: EntityManager,
    institutionId: number,
    w: { url: string; secret: string | null; enabled: boolean; by: string },
  ): Promise<void> {
    await manager.query(
      'UPDATE notification_webhook SET url = ?, enabled = ?, secret = COALESCE(?, secret), updated_by = ?, version = version + 1 WHERE institution_id = ?',
      [w.url, w.enabled ? 1 : 0, w.secret, w.by, institutionId],
    );
  }
}
