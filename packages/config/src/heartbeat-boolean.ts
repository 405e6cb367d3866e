// Heartbeat's booleans (cluster-glue cl_str_to_boolean), case-insensitive.

const TRUE_WORDS = ['true', 'on', 'yes', 'y', '1'];
const FALSE_WORDS = ['false', 'off', 'no', 'n', '0'];

export function parseHeartbeatBoolean(text: string): boolean | undefined {
  const lower = text.toLowerCase();
  if (TRUE_WORDS.includes(lower)) return true;
  if (FALSE_WORDS.includes(lower)) return false;
  return undefined;
}

export const BOOLEAN_SYNTAX = 'true|on|yes|y|1 or false|off|no|n|0';
