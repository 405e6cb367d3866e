// NDJSON framing: one JSON value per line. The decoder is incremental and pure: the shell feeds
// it whatever the socket delivered (any chunking, already UTF-8 decoded by a StringDecoder) and
// gets back the complete frames. It never throws on input; bad lines become error frames, and an
// oversized line is reported once and skipped up to its newline, so one bad client cannot make
// the daemon buffer without bound.

/** 1 MiB: a status document of a large cluster is a few tens of KiB. */
export const DEFAULT_MAX_FRAME_CHARS = 1024 * 1024;

export type Frame =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly reason: 'badJson' | 'tooLarge' | 'truncated'; readonly detail: string };

/** JSON.stringify never emits a raw newline (it escapes "\n" inside strings), so one value is one line. */
export function encodeFrame(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError('encodeFrame: value is not JSON-serializable');
  return `${text}\n`;
}

export interface NdjsonDecoder {
  /** Feed the next chunk; returns the frames completed by it, in order. */
  push(chunk: string): Frame[];
  /** The stream ended: a partial last line is reported as truncated. */
  end(): Frame[];
  /** Characters held for an incomplete line (never more than the limit). */
  bufferedChars(): number;
}

export function createNdjsonDecoder(maxFrameChars: number = DEFAULT_MAX_FRAME_CHARS): NdjsonDecoder {
  let pending = '';
  // True while we are skipping the rest of a line that already exceeded the limit.
  let discarding = false;

  function parseLine(line: string): Frame | null {
    const text = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (text.trim() === '') return null; // blank lines are keep-alives, not frames
    try {
      return { ok: true, value: JSON.parse(text) as unknown };
    } catch (error) {
      return { ok: false, reason: 'badJson', detail: error instanceof Error ? error.message : String(error) };
    }
  }

  function tooLarge(): Frame {
    return { ok: false, reason: 'tooLarge', detail: `frame longer than ${maxFrameChars} characters` };
  }

  return {
    push(chunk: string): Frame[] {
      const frames: Frame[] = [];
      let start = 0;
      for (;;) {
        const newline = chunk.indexOf('\n', start);
        if (newline === -1) break;
        const piece = chunk.slice(start, newline);
        start = newline + 1;
        if (discarding) {
          discarding = false;
          pending = '';
          continue;
        }
        if (pending.length + piece.length > maxFrameChars) {
          pending = '';
          frames.push(tooLarge());
          continue;
        }
        const frame = parseLine(pending + piece);
        pending = '';
        if (frame !== null) frames.push(frame);
      }
      if (start < chunk.length && !discarding) {
        const rest = chunk.slice(start);
        if (pending.length + rest.length > maxFrameChars) {
          pending = '';
          discarding = true;
          frames.push(tooLarge());
        } else {
          pending += rest;
        }
      }
      return frames;
    },
    end(): Frame[] {
      const rest = pending;
      pending = '';
      discarding = false;
      if (rest.trim() === '') return [];
      return [{ ok: false, reason: 'truncated', detail: `stream ended inside a frame (${rest.length} characters)` }];
    },
    bufferedChars: () => pending.length,
  };
}
