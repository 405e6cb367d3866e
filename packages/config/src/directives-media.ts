// ha.cf media (heartbeat links), udpport, and ping targets. In Heartbeat these are plugins:
// bcast, ping, ping6 and serial take one value per word; ucast, mcast, ucast6, mcast6 and
// ping_group read the whole line.

import type { PingTarget } from './model';
import type { DirectiveContext, DirectiveSpec } from './directive-spec';
import { commentHint, readInteger, words } from './directive-spec';
import type { Token } from './text-lines';
import { isIPv4, isIPv4OrHostName, isMulticastIPv4 } from './addresses';

export const DEFAULT_UDP_PORT = 694;

function isInterfaceName(text: string): boolean {
  // IFNAMSIZ allows 15 characters; an alias label (":0") may follow.
  return /^[A-Za-z0-9_.:@-]+$/.test(text) && !isIPv4(text) && text.length <= 20;
}

function checkInterface(ctx: DirectiveContext, token: Token): boolean {
  if (isInterfaceName(token.text)) return true;
  ctx.report('HB_CFG_BAD_VALUE', token, `${ctx.spec.name}: "${token.text}" is not a network interface name`, commentHint(token) ?? `${ctx.spec.name} takes interface names such as eth1`);
  return false;
}

function extraWords(ctx: DirectiveContext, extra: readonly Token[], form: string): void {
  const first = extra[0];
  if (first === undefined) return;
  const last = extra[extra.length - 1] as Token;
  const text = extra.map((t) => t.text).join(' ');
  ctx.report(
    'HB_CFG_EXTRA_VALUE',
    { file: ctx.file, line: first.line, column: first.column, endColumn: last.endColumn },
    `${ctx.spec.name}: "${text}" after "${form}" is ignored`,
    commentHint(first) ?? `one ${ctx.spec.name} per line: ${form}`,
  );
}

function addPingTarget(ctx: DirectiveContext, token: Token, target: PingTarget): void {
  const existing = ctx.settings.pingTargets.find((p) => p.value.name === target.name);
  if (existing !== undefined) {
    ctx.report('HB_CFG_DUPLICATE_PING', token, `ping target "${target.name}" is already listed (line ${existing.location.line})`, 'list each ping target once');
    return;
  }
  ctx.settings.pingTargets.push({ value: target, location: ctx.at(token), raw: token.text });
}

function bcastOrUcastSeen(ctx: DirectiveContext): boolean {
  return ctx.settings.media.some((m) => m.value.kind === 'bcast' || m.value.kind === 'ucast');
}

export const MEDIA_DIRECTIVES: readonly DirectiveSpec[] = [
  {
    name: 'udpport',
    kind: 'option',
    section: 'media',
    syntax: '1..65535',
    defaultText: '694 (ha-cluster in /etc/services)',
    support: 'implemented',
    repeat: 'last-wins',
    summary: 'UDP port of bcast and ucast links. Must come before them: each link takes the port in effect when it is read.',
    heartbeat: '≤ 0 is a configuration error. Does not apply to mcast, which carries its own port.',
    hbd: 'Same; warns when it comes after a bcast/ucast line (HB_CFG_UDPPORT_AFTER_MEDIA). Non-numbers are errors.',
    example: 'udpport 694',
    apply(ctx, token) {
      const port = readInteger(ctx, token, 1, 65535);
      if (port === undefined) return;
      if (bcastOrUcastSeen(ctx)) {
        const first = ctx.settings.media.find((m) => m.value.kind === 'bcast' || m.value.kind === 'ucast');
        ctx.report(
          'HB_CFG_UDPPORT_AFTER_MEDIA',
          token,
          `udpport ${port} comes after the ${first?.value.kind} line ${first?.location.line}, which keeps port ${ctx.currentUdpPort()}`,
          'move udpport above every bcast and ucast line',
        );
      }
      ctx.setSingle('udpPort', token, port);
    },
  },
  {
    name: 'bcast',
    kind: 'option',
    section: 'media',
    syntax: 'interface …',
    defaultText: 'none',
    support: 'implemented',
    repeat: 'accumulates',
    summary: 'One UDP broadcast link per interface, to the interface\'s broadcast address on udpport.',
    heartbeat: 'The interface must exist. An interface whose address has no broadcast sends to 0.0.0.0 and silently splits the cluster.',
    hbd: 'Missing interfaces are a warning on the machine that checks (HB_CFG_IFACE_MISSING). The legacy name "udp" is read as bcast.',
    example: 'bcast eth1',
    apply(ctx, token) {
      if (!checkInterface(ctx, token)) return;
      ctx.settings.media.push({ value: { kind: 'bcast', iface: token.text, port: ctx.currentUdpPort() }, location: ctx.at(token), raw: token.text });
    },
  },
  {
    name: 'ucast',
    kind: 'line',
    section: 'media',
    syntax: 'interface peer-address',
    defaultText: 'none',
    support: 'implemented',
    repeat: 'accumulates',
    summary: 'A UDP unicast link to one peer, through one interface, on udpport. One line per peer.',
    heartbeat: 'Missing peer: "ucast: [dev] missing target IP address/hostname"; unknown interface: error. A ucast to the node\'s own address is harmless, so one ha.cf can list every peer.',
    hbd: 'Same; words after the peer are reported (HB_CFG_EXTRA_VALUE).',
    example: 'ucast eth1 10.1.1.2',
    apply(ctx, rest) {
      const [dev, peer, ...extra] = words(rest);
      if (dev === undefined) {
        ctx.report('HB_CFG_BAD_SYNTAX', ctx.directiveLocation, 'ucast needs an interface and a peer address', 'ucast eth1 10.1.1.2');
        return;
      }
      if (peer === undefined) {
        ctx.report('HB_CFG_BAD_SYNTAX', dev, `ucast ${dev.text}: missing peer address`, `ucast <interface> <peer address>, e.g. "ucast ${isIPv4(dev.text) ? 'eth1' : dev.text} 10.1.1.2"`);
        return;
      }
      if (isIPv4(dev.text) && !isIPv4(peer.text)) {
        ctx.report('HB_CFG_BAD_SYNTAX', dev, `ucast "${dev.text} ${peer.text}": the interface comes first`, `write "ucast ${peer.text} ${dev.text}"`);
        return;
      }
      if (!checkInterface(ctx, dev)) return;
      if (!isIPv4OrHostName(peer.text)) {
        ctx.report('HB_CFG_BAD_ADDRESS', peer, `ucast peer "${peer.text}" is not an IPv4 address or host name`, commentHint(peer) ?? 'the other node\'s address on that interface, e.g. "ucast eth1 10.1.1.2"');
        return;
      }
      extraWords(ctx, extra, `ucast ${dev.text} ${peer.text}`);
      ctx.settings.media.push({ value: { kind: 'ucast', iface: dev.text, peer: peer.text, port: ctx.currentUdpPort() }, location: ctx.at(dev), raw: rest.text });
    },
  },
  {
    name: 'mcast',
    kind: 'line',
    section: 'media',
    syntax: 'interface group port ttl loop',
    defaultText: 'none',
    support: 'implemented',
    repeat: 'accumulates',
    summary: 'A UDP multicast link: all five fields are required; the port here is independent of udpport.',
    heartbeat: 'group must be class D ("mcast [dev] bad addr"); ttl 0..4 in 3.0.6 (the man page says 0..255); loop 0 or 1.',
    hbd: 'Same limits.',
    example: 'mcast eth1 239.192.0.42 694 1 0',
    apply(ctx, rest) {
      const fields = words(rest);
      const [dev, group, port, ttl, loop, ...extra] = fields;
      const form = 'mcast <interface> <group> <port> <ttl> <loop>';
      if (dev === undefined || group === undefined || port === undefined || ttl === undefined || loop === undefined) {
        ctx.report('HB_CFG_BAD_SYNTAX', fields[0] ?? ctx.directiveLocation, `mcast needs 5 fields, got ${fields.length}`, `${form}, e.g. "mcast eth1 239.192.0.42 694 1 0"`);
        return;
      }
      if (!checkInterface(ctx, dev)) return;
      if (!isMulticastIPv4(group.text)) {
        ctx.report('HB_CFG_BAD_ADDRESS', group, `mcast group "${group.text}" is not a multicast address (224.0.0.0-239.255.255.255)`, 'pick one from 239.192.0.0/14 (organization-local scope)');
        return;
      }
      const portN = readInteger(ctx, port, 1, 65535);
      const ttlN = readInteger(ctx, ttl, 0, 4);
      if (loop.text !== '0' && loop.text !== '1') {
        ctx.report('HB_CFG_BAD_VALUE', loop, `mcast loop "${loop.text}" must be 0 or 1`, '0: do not receive our own packets (usual); 1: receive them');
        return;
      }
      if (portN === undefined || ttlN === undefined) return;
      extraWords(ctx, extra, `mcast ${dev.text} ${group.text} ${port.text} ${ttl.text} ${loop.text}`);
      ctx.settings.media.push({
        value: { kind: 'mcast', iface: dev.text, group: group.text, port: portN, ttl: ttlN, loop: loop.text === '1' },
        location: ctx.at(dev),
        raw: rest.text,
      });
    },
  },
  {
    name: 'ucast6',
    kind: 'line',
    section: 'media',
    syntax: 'interface peer-ipv6-address',
    defaultText: 'none',
    support: 'not-implemented',
    repeat: 'accumulates',
    summary: 'IPv6 unicast link.',
    heartbeat: 'Like ucast, over IPv6.',
    hbd: 'Accepted and kept, but hbd does not send on IPv6 links yet (warning).',
    example: 'ucast6 eth1 fe80::5054:ff:fe29:3949',
    apply(ctx, rest) {
      const fields = words(rest);
      if (fields.length < 2) {
        ctx.report('HB_CFG_BAD_SYNTAX', fields[0] ?? ctx.directiveLocation, 'ucast6 needs an interface and a peer address', 'ucast6 eth1 fe80::5054:ff:fe29:3949');
        return;
      }
      ctx.settings.media.push({ value: { kind: 'ucast6', raw: rest.text }, location: ctx.at(rest), raw: rest.text });
      ctx.notImplemented('ucast6 is accepted but hbd does not use IPv6 links yet: this link carries no heartbeats', 'add a ucast, bcast or mcast link');
    },
  },
  {
    name: 'mcast6',
    kind: 'line',
    section: 'media',
    syntax: 'interface group port hops loop',
    defaultText: 'none',
    support: 'not-implemented',
    repeat: 'accumulates',
    summary: 'IPv6 multicast link.',
    heartbeat: 'Like mcast, over IPv6; hops 0..4.',
    hbd: 'Accepted and kept, but hbd does not send on IPv6 links yet (warning).',
    example: 'mcast6 eth1 ff12::1:2:3:4 694 1 0',
    apply(ctx, rest) {
      const fields = words(rest);
      if (fields.length < 5) {
        ctx.report('HB_CFG_BAD_SYNTAX', fields[0] ?? ctx.directiveLocation, `mcast6 needs 5 fields, got ${fields.length}`, 'mcast6 <interface> <group> <port> <hops> <loop>');
        return;
      }
      ctx.settings.media.push({ value: { kind: 'mcast6', raw: rest.text }, location: ctx.at(rest), raw: rest.text });
      ctx.notImplemented('mcast6 is accepted but hbd does not use IPv6 links yet: this link carries no heartbeats', 'add a ucast, bcast or mcast link');
    },
  },
  {
    name: 'serial',
    kind: 'option',
    section: 'media',
    syntax: '/dev/ttyX …',
    defaultText: 'none',
    support: 'not-implemented',
    repeat: 'accumulates',
    summary: 'Serial-line links (deprecated in Heartbeat).',
    heartbeat: 'One link per device, at baud.',
    hbd: 'Accepted and kept, but hbd does not use serial links (warning).',
    example: 'serial /dev/ttyS0',
    apply(ctx, token) {
      if (!token.text.startsWith('/')) {
        ctx.report('HB_CFG_BAD_PATH', token, `serial device "${token.text}" is not an absolute path`, 'e.g. serial /dev/ttyS0');
        return;
      }
      ctx.settings.media.push({ value: { kind: 'serial', device: token.text }, location: ctx.at(token), raw: token.text });
      ctx.notImplemented('serial links are accepted but hbd does not use them: this link carries no heartbeats', 'add a ucast, bcast or mcast link');
    },
  },
  {
    name: 'baud',
    kind: 'option',
    section: 'media',
    syntax: '9600|19200|38400|57600|115200|230400|460800',
    defaultText: '19200',
    support: 'not-implemented',
    repeat: 'once',
    summary: 'Speed of serial links.',
    heartbeat: 'Other speeds: "invalid baudrate"; a second baud line: "Baudrate multiply specified." — both configuration errors.',
    hbd: 'Same checks; hbd has no serial links (warning).',
    example: 'baud 19200',
    apply(ctx, token) {
      const speeds = ['9600', '19200', '38400', '57600', '115200', '230400', '460800'];
      if (!speeds.includes(token.text)) {
        ctx.report('HB_CFG_BAD_VALUE', token, `baud "${token.text}" is not one of ${speeds.join(', ')}`, commentHint(token) ?? 'baud 19200 is the default');
        return;
      }
      ctx.setIgnored(token);
      ctx.notImplemented('baud is accepted but hbd has no serial links');
    },
  },
  {
    name: 'ping',
    kind: 'option',
    section: 'media',
    syntax: 'address …',
    defaultText: 'none',
    support: 'implemented',
    repeat: 'accumulates',
    summary: 'Ping targets (usually the gateway), each one counted on its own; they tell a dead peer from a dead network.',
    heartbeat: 'Each address becomes a "ping node"; only ipfail acted on them.',
    hbd: 'Each address is a ping target of the ping quorum, checked every keepalive and declared unreachable after deadping.',
    example: 'ping 192.168.42.1',
    apply(ctx, token) {
      if (!isIPv4OrHostName(token.text)) {
        ctx.report('HB_CFG_BAD_ADDRESS', token, `ping target "${token.text}" is not an IPv4 address or host name`, commentHint(token) ?? 'a ping target is a machine that answers ping on the public network, usually the gateway');
        return;
      }
      addPingTarget(ctx, token, { name: token.text, kind: 'ping', addresses: [token.text] });
    },
  },
  {
    name: 'ping_group',
    kind: 'line',
    section: 'media',
    syntax: 'name address …',
    defaultText: 'none',
    support: 'implemented',
    repeat: 'accumulates',
    summary: 'One ping target made of several addresses: reachable when any of them answers (e.g. two routers).',
    heartbeat: 'One ping node named `name`.',
    hbd: 'One ping target of the ping quorum.',
    example: 'ping_group routers 192.168.42.1 192.168.42.2',
    apply(ctx, rest) {
      const [name, ...members] = words(rest);
      if (name === undefined || members.length === 0) {
        ctx.report('HB_CFG_BAD_SYNTAX', name ?? ctx.directiveLocation, 'ping_group needs a name and at least one address', 'ping_group routers 192.168.42.1 192.168.42.2');
        return;
      }
      for (const m of members) {
        if (!isIPv4OrHostName(m.text)) {
          ctx.report('HB_CFG_BAD_ADDRESS', m, `ping_group ${name.text}: "${m.text}" is not an IPv4 address or host name`, commentHint(m) ?? 'list the addresses of machines that answer ping, e.g. two routers');
          return;
        }
      }
      addPingTarget(ctx, name, { name: name.text, kind: 'ping_group', addresses: members.map((m) => m.text) });
    },
  },
  {
    name: 'ping6',
    kind: 'option',
    section: 'media',
    syntax: 'ipv6-address …',
    defaultText: 'none',
    support: 'not-implemented',
    repeat: 'accumulates',
    summary: 'IPv6 ping targets.',
    heartbeat: 'Like ping, over IPv6.',
    hbd: 'Not used yet (warning): these targets do not count in the ping quorum.',
    example: 'ping6 2001:db8::1',
    apply(ctx, token) {
      ctx.notImplemented(`ping6 is accepted but hbd does not probe IPv6 targets yet: ${token.text} does not count in the ping quorum`, 'use an IPv4 ping target');
    },
  },
  {
    name: 'hbaping',
    kind: 'option',
    section: 'media',
    syntax: 'fc-device …',
    defaultText: 'none',
    support: 'not-implemented',
    repeat: 'accumulates',
    summary: 'Fibre-channel HBA ping targets.',
    heartbeat: 'Never fully supported; Debian ships no hbaping plugin.',
    hbd: 'Ignored (warning).',
    example: 'hbaping fc0',
    apply(ctx) {
      ctx.notImplemented('hbaping is accepted but not implemented (it never was fully supported in Heartbeat either)');
    },
  },
  {
    name: 'hopfudge',
    kind: 'option',
    section: 'media',
    syntax: '0..255',
    defaultText: '1',
    support: 'not-implemented',
    repeat: 'last-wins',
    summary: 'Extra hops a packet may be forwarded on serial rings.',
    heartbeat: 'Outside 0..255 is a configuration error; only serial rings use it.',
    hbd: 'Ignored (warning): hbd never forwards packets.',
    example: 'hopfudge 1',
    apply(ctx, token) {
      if (readInteger(ctx, token, 0, 255) === undefined) return;
      ctx.setIgnored(token);
      ctx.notImplemented('hopfudge is accepted but has no effect: hbd never forwards packets');
    },
  },
];
