import { describe, expect, test } from '@jest/globals';
import { agentFaultsText, firewallRuleset, LabFaultError, netemArgs, netemNftRuleset } from './faults';

describe('netem', () => {
  test('tc arguments', () => {
    expect(netemArgs({ lossPercent: 30 })).toEqual(['loss', '30%']);
    expect(netemArgs({ delayMs: 100, jitterMs: 20, duplicatePercent: 5 })).toEqual(['delay', '100ms', '20ms', 'duplicate', '5%']);
    expect(netemArgs({})).toEqual([]);
  });

  test('the nftables fallback: random loss and duplication of IPv4 packets leaving the node', () => {
    const text = netemNftRuleset('eth0', { lossPercent: 30, duplicatePercent: 2 });
    expect(text).toContain('table ip hbdlab_netem {');
    expect(text).toContain('type filter hook output priority 0;');
    expect(text).toContain('oifname "eth0" numgen random mod 100 < 30 drop');
    expect(text).toContain('oifname "eth0" numgen random mod 100 < 2 dup to ip daddr device "eth0"');
  });
});

describe('firewall', () => {
  test('partition and ping loss are sets filtered on the lab interface only', () => {
    const text = firewallRuleset('eth0');
    expect(text).toContain('iifname "eth0" ip saddr @blocked drop');
    expect(text).toContain('oifname "eth0" ip daddr @blocked drop');
    expect(text).toContain('oifname "eth0" ip daddr @ping_blocked icmp type echo-request drop');
  });
});

describe('agent faults', () => {
  test('the Dummy switches, exported for the agent', () => {
    expect(agentFaultsText({ fail: 'start' })).toContain('HBD_DUMMY_FAIL=start\nexport HBD_DUMMY_FAIL\n');
    expect(agentFaultsText({ fail: 'stop', resource: 'svc' })).toContain('HBD_DUMMY_FAIL=stop:svc\n');
    expect(agentFaultsText({ delayMs: 600000 })).toContain('HBD_DUMMY_DELAY_MS=600000\nexport HBD_DUMMY_DELAY_MS\n');
    expect(agentFaultsText({})).not.toContain('HBD_');
  });

  test('refuses what would be shell injection or unbounded', () => {
    expect(() => agentFaultsText({ resource: 'x; rm -rf /' })).toThrow(LabFaultError);
    expect(() => agentFaultsText({ delayMs: -1 })).toThrow('delayMs');
    expect(() => agentFaultsText({ delayMs: 1e9 })).toThrow('delayMs');
  });
});
