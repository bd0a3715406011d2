import type { CliIo } from '../../src/cli/io.js';

/** A CLI's output and errors, line by line, as a command wrote them (not a terminal). */
export function captureIo(): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    lines,
    errors,
    out: (line) => lines.push(line),
    err: (line) => errors.push(line),
    isTTY: false,
  };
}
