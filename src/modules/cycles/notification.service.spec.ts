import { isHostLocal } from './notification.service';

describe('isHostLocal (webhook targets refused in production)', () => {
  it.each(['localhost', 'api.localhost', '127.0.0.1', '127.8.8.8', '169.254.169.254', '0.0.0.0', '[::1]', '::1', 'fe80::1', '::ffff:127.0.0.1'])('refuses %s', (host) => {
    expect(isHostLocal(host)).toBe(true);
  });
  it.each(['his.ws-tc-01.example.cn', '10.20.1.5', '192.168.1.20', '172.16.0.9', '2001:db8::1'])('allows %s', (host) => {
    expect(isHostLocal(host)).toBe(false);
  });
});
