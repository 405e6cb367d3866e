import { describe, expect, test } from '@jest/globals';
import { parseHaresources } from './haresources';
import { at, codes } from '../test/helpers';

const parse = (text: string) => parseHaresources(text);

describe('haresources grammar (ResourceManager)', () => {
  test('the seed line: node, IPaddr with args, an LSB name', () => {
    const r = parse('master1 IPaddr::192.168.42.14/25/eth0:0 nginx\n');
    expect(r.diagnostics).toEqual([]);
    expect(r.groups).toEqual([
      {
        id: 'IPaddr::192.168.42.14/25/eth0:0',
        preferredNode: 'master1',
        location: { file: 'haresources', line: 1, column: 1, endColumn: 8 },
        resources: [
          { token: 'IPaddr::192.168.42.14/25/eth0:0', name: 'IPaddr', args: ['192.168.42.14/25/eth0:0'], location: { file: 'haresources', line: 1, column: 9, endColumn: 40 } },
          { token: 'nginx', name: 'nginx', args: [], location: { file: 'haresources', line: 1, column: 41, endColumn: 46 } },
        ],
      },
    ]);
  });

  test('comments anywhere, blank lines, tabs, node name lower-cased', () => {
    const r = parse('# groups\n\n\tMaster1\tnginx   # the web server\n   # indented comment\n');
    expect(r.diagnostics).toEqual([]);
    expect(r.groups.map((g) => [g.preferredNode, g.resources.map((x) => x.token)])).toEqual([['master1', ['nginx']]]);
  });

  test('a bare dotted IPv4 token means IPaddr::token and stays the group key as written', () => {
    const r = parse('node1 10.0.0.1/24/eth0/10.0.0.255 httpd');
    expect(r.groups[0]?.id).toBe('10.0.0.1/24/eth0/10.0.0.255');
    expect(r.groups[0]?.resources[0]).toMatchObject({ name: 'IPaddr', args: ['10.0.0.1/24/eth0/10.0.0.255'] });
  });

  test('"::" arguments, Filesystem with four of them', () => {
    const r = parse('n1 Filesystem::/dev/drbd0::/store::ext4::noatime');
    expect(r.groups[0]?.resources[0]).toMatchObject({ name: 'Filesystem', args: ['/dev/drbd0', '/store', 'ext4', 'noatime'] });
  });

  test('backslash continuation joins lines and keeps each token\'s own line and column', () => {
    const r = parse('master1 IPaddr::192.168.42.14/25/eth0:0 \\\n        nginx \\\n  mysqld\nmaster2 Dummy::x');
    expect(r.diagnostics).toEqual([]);
    expect(r.groups.map((g) => g.resources.map((x) => `${x.token}@${x.location.line}:${x.location.column}`))).toEqual([
      ['IPaddr::192.168.42.14/25/eth0:0@1:9', 'nginx@2:9', 'mysqld@3:3'],
      ['Dummy::x@4:9'],
    ]);
  });

  test('a comment ends a continued line (comments are removed before joining)', () => {
    const r = parse('n1 a \\\n# comment\nb');
    // "b" starts a line of its own: a node with no resources.
    expect(r.groups.map((g) => [g.preferredNode, g.resources.map((x) => x.token)])).toEqual([['n1', ['a']]]);
    expect(at(r.diagnostics)).toEqual(['haresources:3:1 HB_CFG_EMPTY_GROUP']);
  });

  test('a backslash followed by blanks is not a continuation', () => {
    const r = parse('n1 a \\  \n   b c');
    expect(at(r.diagnostics)).toEqual(['haresources:1:6 HB_CFG_CONTINUATION_SPACE']);
    expect(r.groups.map((g) => g.preferredNode)).toEqual(['n1', 'b']);
  });

  test('CRLF line ends are tolerated', () => {
    const r = parse('n1 nginx\r\nn2 mysqld\r\n');
    expect(r.groups.map((g) => g.resources[0]?.name)).toEqual(['nginx', 'mysqld']);
  });
});

describe('haresources diagnostics', () => {
  test('a node without resources', () => {
    expect(at(parse('\nmaster1\n').diagnostics)).toEqual(['haresources:2:1 HB_CFG_EMPTY_GROUP']);
  });

  test('resource tokens that cannot name an agent', () => {
    expect(at(parse('n1 ::x').diagnostics)).toEqual(['haresources:1:4 HB_CFG_BAD_RESOURCE_TOKEN']);
    expect(at(parse('n1 ../../bin/sh').diagnostics)).toEqual(['haresources:1:4 HB_CFG_BAD_RESOURCE_TOKEN']);
  });

  test('empty "::" arguments are dropped like ResourceManager does, with a warning', () => {
    const r = parse('n1 Filesystem::/dev/sdb1::::ext4');
    expect(codes(r.diagnostics)).toEqual(['HB_CFG_EMPTY_ARGUMENT']);
    expect(r.groups[0]?.resources[0]?.args).toEqual(['/dev/sdb1', 'ext4']);
  });

  test('a resource in two groups, and a group key used twice', () => {
    const r = parse('n1 10.0.0.1 nginx\nn2 IPaddr::10.0.0.1 mysqld\nn2 nginx');
    expect(at(r.diagnostics)).toEqual(['haresources:2:4 HB_CFG_DUPLICATE_RESOURCE', 'haresources:3:4 HB_CFG_DUPLICATE_RESOURCE']);
    expect(r.diagnostics[0]?.message).toBe('resource "IPaddr::10.0.0.1" is already in group "10.0.0.1" (line 1): a resource can belong to one group only');
    expect(r.groups.map((g) => g.id)).toEqual(['10.0.0.1', 'mysqld']);
  });

  test('malformed IP address resources', () => {
    expect(parse('n1 192.168.42.300').diagnostics[0]).toMatchObject({ code: 'HB_CFG_BAD_IPADDR', column: 4, message: 'IP address resource "192.168.42.300": the address: 300 in "192.168.42.300" is larger than 255' });
    expect(codes(parse('n1 IPaddr::10.0.0.1/33').diagnostics)).toEqual(['HB_CFG_BAD_IPADDR']);
    expect(codes(parse('n1 IPaddr2::10.0.0.1/24/eth0/10.0.0.x').diagnostics)).toEqual(['HB_CFG_BAD_IPADDR']);
    expect(codes(parse('n1 IPaddr::10.0.0.1/24/eth0/10.0.0.255 IPaddr::10.0.0.2/255.255.255.0').diagnostics)).toEqual([]);
  });

  test('wrong argument counts for agents with a fixed calling convention', () => {
    expect(at(parse('n1 nginx IPaddr').diagnostics)).toEqual(['haresources:1:10 HB_CFG_AGENT_ARGS']);
    expect(codes(parse('n1 Filesystem::/dev/sdb1').diagnostics)).toEqual(['HB_CFG_AGENT_ARGS']);
    expect(codes(parse('n1 drbddisk::r0::r1').diagnostics)).toEqual(['HB_CFG_AGENT_ARGS']);
    expect(parse('n1 drbddisk drbddisk::r1').diagnostics).toEqual([]);
  });
});
