import { describe, expect, test } from '@jest/globals';
import { linkName, mediumForUnicast, planMedia, type InterfaceTable } from './media';

const interfaces: InterfaceTable = {
  lo: [{ address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4' }],
  eth0: [
    { address: '192.168.42.11', netmask: '255.255.255.128', family: 'IPv4' },
    { address: 'fe80::1', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6' },
    { address: '192.168.42.14', netmask: '255.255.255.128', family: 'IPv4' }, // the VIP, added later
  ],
  eth1: [
    { address: '10.0.0.1', netmask: '255.255.255.0', family: 'IPv4' },
    { address: '172.16.0.1', netmask: '255.255.0.0', family: 'IPv4' },
  ],
  eth9: [{ address: 'fe80::9', netmask: 'ffff::', family: 'IPv6' }],
};

describe('planMedia', () => {
  test('ucast binds the address on the peer subnet; a line pointing at this node is skipped', () => {
    const plan = planMedia(
      [
        { kind: 'ucast', iface: 'eth1', peer: '172.16.5.5', port: 694 },
        { kind: 'ucast', iface: 'eth1', peer: '10.0.0.1', port: 694 },
        { kind: 'ucast', iface: 'eth1', peer: '10.0.0.2', port: 694 },
      ],
      interfaces,
    );
    expect(plan.media.map((m) => [m.link, m.bindAddress, m.destination])).toEqual([
      ['ucast eth1 172.16.5.5', '172.16.0.1', '172.16.5.5'],
      ['ucast eth1 10.0.0.2', '10.0.0.1', '10.0.0.2'],
    ]);
    expect(plan.skipped).toEqual([{ link: 'ucast eth1 10.0.0.1', why: "10.0.0.1 is this node's own address" }]);
    expect(plan.problems).toEqual([]);
  });

  test('bcast uses the first (primary) address and its broadcast address, never a VIP added later', () => {
    const plan = planMedia([{ kind: 'bcast', iface: 'eth0', port: 694 }], interfaces);
    expect(plan.media[0]).toMatchObject({ link: 'bcast eth0', bindAddress: '192.168.42.11', destination: '192.168.42.127' });
  });

  test('mcast joins the group on the interface address', () => {
    const plan = planMedia([{ kind: 'mcast', iface: 'eth1', group: '225.0.0.1', port: 694, ttl: 1, loop: false }], interfaces);
    expect(plan.media[0]).toMatchObject({ link: 'mcast eth1 225.0.0.1', bindAddress: '10.0.0.1', destination: '225.0.0.1', ttl: 1, loop: false });
  });

  test('problems are reported per medium, with the reason', () => {
    const plan = planMedia(
      [
        { kind: 'ucast', iface: 'eth7', peer: '10.0.0.2', port: 694 },
        { kind: 'bcast', iface: 'eth9', port: 694 },
        { kind: 'serial', device: '/dev/ttyS0' },
        { kind: 'ucast6', raw: 'eth0 fe80::2' },
        { kind: 'ucast', iface: 'eth1', peer: 'master2', port: 694 },
      ],
      interfaces,
    );
    expect(plan.media).toEqual([]);
    expect(plan.problems.map((p) => `${p.link}: ${p.why}`)).toEqual([
      'ucast eth7 10.0.0.2: interface eth7 does not exist',
      'bcast eth9: interface eth9 has no IPv4 address',
      'serial /dev/ttyS0: serial media are not implemented by hbd (use ucast, bcast or mcast)',
      'ucast6 eth0 fe80::2: ucast6 media are not implemented by hbd (use ucast, bcast or mcast)',
      'ucast eth1 master2: ucast peer master2 is not an IPv4 address',
    ]);
  });

  test('--bind-address: two nodes on one loopback, each skipping the line that names itself', () => {
    const media = [
      { kind: 'ucast', iface: 'lo', peer: '127.0.0.2', port: 16940 },
      { kind: 'ucast', iface: 'lo', peer: '127.0.0.3', port: 16940 },
    ] as const;
    const alpha = planMedia(media, interfaces, { bindAddress: '127.0.0.2' });
    const beta = planMedia(media, interfaces, { bindAddress: '127.0.0.3' });
    expect(alpha.media.map((m) => [m.link, m.bindAddress])).toEqual([['ucast lo 127.0.0.3', '127.0.0.2']]);
    expect(beta.media.map((m) => [m.link, m.bindAddress])).toEqual([['ucast lo 127.0.0.2', '127.0.0.3']]);
  });
});

describe('mediumForUnicast', () => {
  test('exact ucast peer first, then the medium on the same subnet', () => {
    const plan = planMedia(
      [
        { kind: 'ucast', iface: 'eth1', peer: '10.0.0.2', port: 694 },
        { kind: 'ucast', iface: 'eth1', peer: '10.0.0.3', port: 694 },
        { kind: 'bcast', iface: 'eth0', port: 694 },
      ],
      interfaces,
    );
    expect(mediumForUnicast(plan.media, '10.0.0.1', '10.0.0.3')?.link).toBe('ucast eth1 10.0.0.3');
    expect(mediumForUnicast(plan.media, '10.0.0.1', '10.0.0.9')?.link).toBe('ucast eth1 10.0.0.2');
    expect(mediumForUnicast(plan.media, '192.168.42.11', '192.168.42.12')?.link).toBe('bcast eth0');
    expect(mediumForUnicast(plan.media, '8.8.8.8', '1.2.3.4')).toBeNull();
  });
});

test('linkName is stable (the engine and hbctl status show it)', () => {
  expect(linkName({ kind: 'ucast', iface: 'eth1', peer: '10.0.0.2', port: 694 })).toBe('ucast eth1 10.0.0.2');
  expect(linkName({ kind: 'bcast', iface: 'eth0', port: 694 })).toBe('bcast eth0');
});
