// Address checks for ha.cf media and ping targets and for IPaddr resources.

export function isIPv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

/** Why a dotted-quad-looking text is not an IPv4 address, or undefined if it is one. */
export function ipv4Problem(text: string): string | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return `"${text}" does not have four dotted parts`;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return `"${p}" in "${text}" is not a number from 0 to 255`;
    if (Number(p) > 255) return `${p} in "${text}" is larger than 255`;
  }
  return undefined;
}

export function isMulticastIPv4(text: string): boolean {
  if (!isIPv4(text)) return false;
  const first = Number(text.split('.')[0]);
  return first >= 224 && first <= 239;
}

/** RFC 1123 host name (labels of letters, digits and '-', dot-separated). */
export function isHostName(text: string): boolean {
  if (text.length === 0 || text.length > 253) return false;
  return text.split('.').every((label) => /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label));
}

/** Something a ucast/ping line can send to: an IPv4 address or a host name that is not a bad IP. */
export function isIPv4OrHostName(text: string): boolean {
  if (/^[\d.]+$/.test(text)) return isIPv4(text);
  return isHostName(text);
}

/**
 * ResourceManager's canonname glob `[0-9]*.[0-9]*.[0-9]*.[0-9]*`: a token that starts with a
 * digit and has three more dots each followed by a digit is shorthand for `IPaddr::token`.
 */
export function looksLikeIPv4Resource(token: string): boolean {
  return /^[0-9].*\.[0-9].*\.[0-9].*\.[0-9]/s.test(token);
}

/**
 * Checks IPaddr's single argument `ip[/cidr[/nic[/broadcast]]]` (heartbeat-3-behaviour.md §2.7).
 * Returns a human reason, or undefined when it is well formed.
 */
export function ipaddrArgumentProblem(arg: string): string | undefined {
  const fields = arg.split('/');
  const [ip, cidr, nic, broadcast] = fields as [string, string?, string?, string?];
  if (fields.length > 4) return `"${arg}" has more than four "/" fields (ip/cidr/nic/broadcast)`;
  const ipProblem = ipv4Problem(ip);
  if (ipProblem !== undefined) return `the address: ${ipProblem}`;
  if (cidr !== undefined) {
    if (cidr === '') return 'the netmask after "/" is empty';
    if (/^\d+$/.test(cidr)) {
      if (Number(cidr) < 1 || Number(cidr) > 32) return `netmask /${cidr} is not between 1 and 32`;
    } else if (!isIPv4(cidr)) {
      return `netmask "${cidr}" is neither a prefix length (1-32) nor a dotted netmask`;
    }
  }
  if (nic !== undefined) {
    if (nic === '') return 'the interface after the netmask is empty';
    if (/^\d/.test(nic) && broadcast === undefined && isIPv4(nic)) return undefined; // ip/cidr/broadcast form
    if (!/^[A-Za-z0-9_.:@-]+$/.test(nic)) return `"${nic}" is not an interface name`;
  }
  if (broadcast !== undefined && !isIPv4(broadcast)) return `broadcast "${broadcast}" is not an IPv4 address`;
  return undefined;
}
