import { Inject, Injectable, Logger } from '@nestjs/common';
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { assertWebhookTargetAllowed } from '../../domain/webhook-policy';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHmac, randomBytes } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { NewNotification, NotificationRepository, NotificationRow, Severity, WebhookRow } from './notification.repository';
import { inTransaction } from '../../database/transaction';
import { Page, pageOf, PageWindow } from '../../common/pagination';
import { notFound, staleVersion } from '../../common/record-errors';
import { AuditService } from '../audit';
import { JobHandler } from '../../queue/job-handler.decorator';
import { OutboxService } from '../../queue/outbox.service';

export type { NewNotification, Severity } from './notification.repository';

export interface NotificationView {
  id: number;
  kind: string;
  severity: Severity;
  subjectType: string;
  subjectId: string;
  message: string;
  details: Record<string, unknown> | null;
  createdAt: Date;
  readAt: Date | null;
  readBy: string | null;
  deliveredAt: Date | null;
}

export interface WebhookView {
  url: string;
  enabled: boolean;
  version: number;
  updatedBy: string;
  updatedAt: Date;
}

const DELIVERY_TIMEOUT_MS = 5000;

/**
 * Notifications per institution (overdue items, monitoring warnings): listed, marked as read,
 * and optionally pushed to the institution's webhook, signed and retried with backoff.
 */
@Injectable()
export class NotificationService {
  private readonly logger = new Logger(NotificationService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly notifications: NotificationRepository,
  ) {}

  /**
   * Creates the notification unless its key exists; inside the caller's transaction. Returns
   * the outbox job id of its webhook delivery, if the institution has one.
   */
  async notify(manager: EntityManager, n: NewNotification): Promise<{ created: boolean; deliveryJob: string | null }> {
    const id = await this.notifications.insertUnlessKeyed(manager, n);
    if (id === null) return { created: false, deliveryJob: null };
    if (!(await this.notifications.webhookEnabled(manager, n.institutionId))) return { created: true, deliveryJob: null };
    return { created: true, deliveryJob: await this.outbox.add(manager, 'notify.webhook', { notificationId: id }) };
  }

  async list(
    institutionId: number,
    filter: { unread?: boolean; kind?: string } & PageWindow,
  ): Promise<Page<NotificationView> & { unread: number }> {
    const { rows, total } = await this.notifications.list(institutionId, filter, filter);
    return { ...pageOf(rows.map(view), total, filter), unread: await this.notifications.unreadCount(institutionId) };
  }

  /** Marks one of the institution's notifications read; reading it again changes nothing. */
  async markRead(institutionId: number, id: number, reader: string): Promise<NotificationView> {
    await this.notifications.markRead(institutionId, id, reader);
    const row = await this.notifications.findOfInstitution(institutionId, id);
    if (!row) throw notFound('notification', String(id));
    return view(row);
  }

  async markAllRead(institutionId: number, reader: string): Promise<{ marked: number }> {
    return { marked: await this.notifications.markAllRead(institutionId, reader) };
  }

  async webhook(institutionId: number): Promise<WebhookView | null> {
    const row = await this.notifications.webhook(institutionId);
    return row ? webhookView(row) : null;
  }

  /**
   * Sets the institution's webhook. A new secret is issued when the webhook is first set or on
   * request, and shown only in this answer: deliveries are signed with it (HMAC-SHA256).
   */
  async setWebhook(
    institutionId: number,
    by: string,
    input: { url: string; enabled: boolean; version?: number; rotateSecret?: boolean },
  ): Promise<WebhookView & { secret?: string }> {
    if (!this.config.webhooks.allowLocalTargets) {
      // A name that does not resolve from here is let through: it is checked again at each delivery.
      const local = await localAddressOf(new URL(input.url).hostname).catch(() => null);
      assertWebhookTargetAllowed(input.url, local);
    }
    return inTransaction(this.dataSource, async (manager) => {
      const current = await this.notifications.webhook(institutionId, manager, true);
      let secret: string | undefined;
      if (!current) {
        secret = randomBytes(32).toString('hex');
        await this.notifications.insertWebhook(manager, institutionId, { url: input.url, secret, enabled: input.enabled, by });
      } else {
        if (input.version === undefined || Number(current.version) !== input.version) throw staleVersion(Number(current.version));
        if (input.rotateSecret) secret = randomBytes(32).toString('hex');
        await this.notifications.updateWebhook(manager, institutionId, {
          url: input.url,
          secret: secret ?? null,
          enabled: input.enabled,
          by,
        });
      }
      await this.audit.record(manager, {
        action: current ? 'webhook.update' : 'webhook.create',
        entityType: 'notificationWebhook',
        entityId: String(institutionId),
        before: current ? { url: current.url, enabled: Boolean(Number(current.enabled)) } : null,
        after: { url: input.url, enabled: input.enabled, secretRotated: Boolean(secret) },
      });
      const row = (await this.notifications.webhook(institutionId, manager))!;
      return { ...webhookView(row), ...(secret ? { secret } : {}) };
    });
  }

  /** Delivers one notification to its webhook; a failure throws so that the queue retries it. */
  @JobHandler('notify.webhook')
  async deliver({ notificationId }: { notificationId: number }): Promise<{ delivered: boolean; status?: number }> {
    const row = await this.notifications.forDelivery(notificationId);
    if (!row || row.delivered_at || !row.url || !row.secret || !Number(row.enabled)) return { delivered: false };
    const url = row.url;
    if (!this.config.webhooks.allowLocalTargets) {
      // Checked at delivery too: the name may have been pointed at a local address since it was set.
      const host = new URL(row.url).hostname;
      const local = await localAddressOf(host).catch(() => null);
      if (local !== null) {
        const refusal = `not sent: ${host}${local === host ? '' : ` (${local})`} is a loopback or link-local address`;
        await this.notifications.recordDeliveryFailure(notificationId, refusal);
        this.logger.warn(`notification ${notificationId}: webhook ${refusal}`);
        return { delivered: false };
      }
    }
    const body = JSON.stringify({ id: Number(row.id), institutionCode: row.institution_code, ...publicFields(view(row)) });
    const signature = createHmac('sha256', row.secret).update(body).digest('hex');
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-capitation-event': row.kind,
          'x-capitation-delivery': String(row.id),
          'x-capitation-signature': `sha256=${signature}`,
        },
        body,
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      if (!res.ok) throw new Error(`the webhook answered ${res.status}`);
      await this.notifications.recordDelivered(notificationId);
      return { delivered: true, status: res.status };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      await this.notifications.recordDeliveryFailure(notificationId, message.slice(0, 500));
      this.logger.warn(`notification ${notificationId}: webhook delivery failed (${message}); retried with backoff`);
      throw err;
    }
  }
}

/**
 * Loopback and link-local hosts (the service's own machine, cloud metadata endpoints): never a
 * webhook target in production. Hospital networks' private addresses are allowed, since a
 * township's HIS usually lives on one.
 */
export function isHostLocal(hostname: string): boolean {
  // `localhost.` is the fully qualified form of `localhost`.
  const host = hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.') || host.startsWith('169.254.') || host === '0.0.0.0';
  if (isIP(host) === 6)
    return (
      host === '::1' || host === '::' || host.startsWith('fe80:') || host.startsWith('::ffff:127.') || host.startsWith('::ffff:169.254.')
    );
  return false;
}

export type AddressLookup = (hostname: string) => Promise<{ address: string }[]>;

/**
 * The loopback or link-local address a webhook host is, or resolves to (any of its addresses),
 * else null. A failed lookup rejects. The address is resolved again by the HTTP client when it
 * connects, so a name re-pointed in between (DNS rebinding) is not caught here: deployments that
 * need that closed send webhooks through an egress proxy.
 */
export async function localAddressOf(hostname: string, lookup: AddressLookup = (h) => dnsLookup(h, { all: true })): Promise<string | null> {
  if (isHostLocal(hostname)) return hostname;
  const host = hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (isIP(host)) return null;
  return (await lookup(host)).find((a) => isHostLocal(a.address))?.address ?? null;
}

function webhookView(row: WebhookRow): WebhookView {
  return {
    url: row.url,
    enabled: Boolean(Number(row.enabled)),
    version: Number(row.version),
    updatedBy: row.updated_by,
    updatedAt: row.updated_at,
  };
}

function view(r: NotificationRow): NotificationView {
  return {
    id: Number(r.id),
    kind: r.kind,
    severity: r.severity,
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    message: r.message,
    details: r.details ? JSON.parse(r.details) : null,
    createdAt: r.created_at,
    readAt: r.read_at ?? null,
    readBy: r.read_by ?? null,
    deliveredAt: r.delivered_at ?? null,
  };
}

function publicFields(v: NotificationView) {
  return {
    kind: v.kind,
    severity: v.severity,
    subjectType: v.subjectType,
    subjectId: v.subjectId,
    message: v.message,
    details: v.details,
    createdAt: v.createdAt,
  };
}
