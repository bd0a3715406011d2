/** The CLI's one place to write to the terminal (src/ forbids console elsewhere). */
export function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

export function err(line: string): void {
  process.stderr.write(`${line}\n`);
}
