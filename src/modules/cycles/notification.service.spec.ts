import { AddressLookup, isHostLocal, localAddressOf } from './notification.service';

describe('isHostLocal (webhook targets refused in production)', () => {
  it.each([
    'localhost',
    'localhost.',
    'LocalHost',
    'api.localhost',
    '127.0.0.1',
    '127.8.8.8',
    '169.254.169.254',
    '0.0.0.0',
    '[::1]',
    '::1',
    'fe80::1',
    '::ffff:127.0.0.1',
  ])('refuses %s', (host) => {
    expect(isHostLocal(host)).toBe(true);
  });
  it.each(['his.ws-tc-01.example.cn', '10.20.1.5', '192.168.1.20', '172.16.0.9', '2001:db8::1'])('allows %s', (host) => {
    expect(isHostLocal(host)).toBe(false);
  });
});

describe('localAddressOf (a webhook name that resolves to a local address)', () => {
  const zone: Record<string, string[]> = {
    'his.ws-tc-01.example.cn': ['10.20.1.5'],
    'rebound.example.cn': ['203.0.113.7', '127.0.0.1'],
    'metadata.example.cn': ['169.254.169.254'],
    'v6.example.cn': ['2001:db8::1', '::1'],
  };
  const lookup: AddressLookup = async (host) => {
    if (!(host in zone)) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return zone[host].map((address) => ({ address }));
  };

  it('names the local address a host resolves to, if any of them is', async () => {
    expect(await localAddressOf('rebound.example.cn', lookup)).toBe('127.0.0.1');
    expect(await localAddressOf('rebound.example.cn.', lookup)).toBe('127.0.0.1'); // the fully qualified form
    expect(await localAddressOf('metadata.example.cn', lookup)).toBe('169.254.169.254');
    expect(await localAddressOf('v6.example.cn', lookup)).toBe('::1');
    expect(await localAddressOf('his.ws-tc-01.example.cn', lookup)).toBeNull();
  });

  it('judges literal addresses and localhost without a lookup', async () => {
    const none: AddressLookup = async () => {
      throw new Error('no lookup expected');
    };
    expect(await localAddressOf('localhost', none)).toBe('localhost');
    expect(await localAddressOf('[::1]', none)).toBe('[::1]');
    expect(await localAddressOf('10.20.1.5', none)).toBeNull();
  });

  it('rejects when the name does not resolve', async () => {
    await expect(localAddressOf('unknown.example.cn', lookup)).rejects.toThrow('ENOTFOUND');
  });
});
