/** What a CLI command may touch, passed in by the composition root so commands are testable. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  isTTY: boolean;
}
