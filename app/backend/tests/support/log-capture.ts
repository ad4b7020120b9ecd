import { Writable } from "node:stream";
import { pino, type Logger } from "pino";

/** A real pino logger whose JSON lines are kept in memory, so a test can read what was logged. */
export function captureLogs(): { logger: Logger; entries: () => Array<Record<string, unknown>> } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split("\n").filter(Boolean));
      done();
    },
  });
  return {
    logger: pino({ level: "info" }, sink),
    entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
