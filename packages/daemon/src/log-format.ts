// Heartbeat's log line, shared by hbd's winston logger and the guardian (which must stay small
// and load no logging library): `Nov 20 23:40:58.123 master1 hbd: [187]: WARN: text`.

import type { LogLevel } from './event-messages';

export const LEVEL_WORDS: { readonly [L in LogLevel]: string } = {
  emerg: 'EMERG',
  alert: 'ALERT',
  crit: 'CRIT',
  error: 'ERROR',
  warning: 'WARN',
  notice: 'notice',
  info: 'info',
  debug: 'debug',
};

export const SEVERITY: { readonly [L in LogLevel]: number } = { emerg: 0, alert: 1, crit: 2, error: 3, warning: 4, notice: 5, info: 6, debug: 7 };

export const SYSLOG_FACILITIES = new Set([
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp',
  'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
]);

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function pad(value: number, width = 2): string {
  return value.toString().padStart(width, '0');
}

/** `Nov 20 23:40:58.123` in local time, as syslog writes it (plus milliseconds). */
export function syslogTimestamp(date: Date): string {
  const day = date.getDate().toString().padStart(2, ' ');
  return `${MONTHS[date.getMonth()]} ${day} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** The part after the timestamp and host: `hbd: [187]: WARN: text`. */
export function formatBody(pid: number, level: LogLevel, text: string): string {
  return `hbd: [${pid}]: ${LEVEL_WORDS[level]}: ${text}`;
}
