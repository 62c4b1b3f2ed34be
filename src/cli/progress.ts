import type { Progress } from "../sources/index.js";

/**
 * Progress on stderr for long waits: a download bar fed by source progress events, and a spinner for
 * waits without a measure. Both draw only on a terminal (a pipe or CI log gets one line per object).
 */

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}

export function downloadProgress(stream: NodeJS.WriteStream = process.stderr): {
  onProgress: (p: Progress) => void;
  done(): void;
} {
  const announced = new Set<string>();
  let last = 0;
  let drawn = false;
  return {
    onProgress(p) {
      if (!stream.isTTY) {
        if (!announced.has(p.object)) {
          announced.add(p.object);
          stream.write(`downloading ${p.object}${p.total === undefined ? "" : ` (${mib(p.total)})`}\n`);
        }
        return;
      }
      const now = Date.now();
      if (now - last < 100 && p.received !== p.total) return;
      last = now;
      const width = 30;
      const filled = p.total ? Math.round((p.received / p.total) * width) : 0;
      const bar = p.total ? `[${"#".repeat(filled)}${" ".repeat(width - filled)}]` : "";
      const size = p.total ? `${mib(p.received)}/${mib(p.total)}` : mib(p.received);
      stream.write(`\r\x1b[2K${bar} ${size} ${p.object}`);
      drawn = true;
    },
    done() {
      if (drawn) stream.write("\r\x1b[2K");
    },
  };
}

/** A spinner with a message; `stop` clears it. No-op away from a terminal. */
export function spinner(message: string, stream: NodeJS.WriteStream = process.stderr): { stop(): void } {
  if (!stream.isTTY) return { stop() {} };
  let i = 0;
  const timer = setInterval(() => {
    stream.write(`\r\x1b[2K${FRAMES[i++ % FRAMES.length]} ${message}`);
  }, 80);
  return {
    stop() {
      clearInterval(timer);
      stream.write("\r\x1b[2K");
    },
  };
}
