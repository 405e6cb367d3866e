// Numbers as a sysadmin reads them in a log line.

/** 2310 -> "2.31 s", 2000 -> "2 s", 500 -> "0.5 s", 61000 -> "61 s". */
export function seconds(ms: number): string {
  const value = Math.round(ms / 10) / 100;
  return `${Number.isInteger(value) ? value.toFixed(0) : value.toString()} s`;
}

/** Milliseconds for debug detail: 12.3456 -> "12.3 ms". */
export function millis(ms: number): string {
  return `${Math.round(ms * 10) / 10} ms`;
}

/** Uptime and ages: "45 s", "12 min 3 s", "3 h 2 min", "2 d 4 h". */
export function duration(ms: number): string {
  const totalSeconds = Math.max(0, Math.floor(ms / 1000));
  const days = Math.floor(totalSeconds / 86400);
  const hours = Math.floor((totalSeconds % 86400) / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const secs = totalSeconds % 60;
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${minutes} min`;
  if (minutes > 0) return `${minutes} min ${secs} s`;
  return ms < 10_000 ? seconds(ms) : `${secs} s`;
}

/** Last non-empty line of an agent's output, shortened, for a one-line log message. */
export function lastLine(text: string, maxChars = 160): string {
  const lines = text.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  const line = lines[lines.length - 1] ?? '';
  return line.length > maxChars ? `${line.slice(0, maxChars - 1)}…` : line;
}
