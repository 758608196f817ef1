import { assertWebhookTargetAllowed } from './webhook-policy';
import { refusal } from './refusal.spec-helper';

describe('assertWebhookTargetAllowed', () => {
  it('lets a host that is not local through', () => {
    expect(() => assertWebhookTargetAllowed('https://his.example.cn/hook', null)).not.toThrow();
  });

  it('refuses a local host, naming the address', () => {
    const e = refusal(() => assertWebhookTargetAllowed('http://rebound.example.cn/hook', '127.0.0.1'));
    expect(e).toMatchObject({ code: 'WEBHOOK_URL_NOT_ALLOWED', kind: 'unprocessable' });
    expect(e.message).toBe("webhooks cannot point at the service's own host or a link-local address (rebound.example.cn is 127.0.0.1)");
    expect(e.details).toEqual([{ field: 'url', rule: 'notLocalHost', message: 'http://rebound.example.cn/hook' }]);
  });
});
