import { DomainError } from './domain-error';

/**
 * A webhook may not point at the service's own host or a link-local address (SPEC §9: signed
 * pushes to the institution's own system). `localAddress` is the loopback or link-local
 * address the URL's host is or resolves to, or null when it is neither.
 */
export function assertWebhookTargetAllowed(url: string, localAddress: string | null): void {
  if (localAddress === null) return;
  throw new DomainError(
    'WEBHOOK_URL_NOT_ALLOWED',
    'unprocessable',
    `webhooks cannot point at the service's own host or a link-local address (${new URL(url).hostname} is ${localAddress})`,
    [{ field: 'url', rule: 'notLocalHost', message: url }],
  );
}
