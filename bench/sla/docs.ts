import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';

/** `text` with `body` under `heading`, replacing that section up to the next `## ` heading; others stay. */
export function replaceSection(text: string, heading: string, body: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.trim() === heading);
  const section = [heading, '', ...body.trimEnd().split('\n'), ''];
  if (start === -1) {
    return `${[...text.trimEnd().split('\n'), '', ...section].join('\n')}`;
  }
  const after = lines.findIndex((line, index) => index > start && line.startsWith('## '));
  const tail = after === -1 ? [] : lines.slice(after);
  return `${[...lines.slice(0, start), ...section, ...tail].join('\n').trimEnd()}\n`;
}

/**
 * Puts `body` under `heading` in the Markdown file at `path` (created with a `# Benchmarks` title if missing),
 * leaving every other section as it was, and formats the file with the repo's Prettier settings so
 * `prettier --check` stays clean.
 */
export async function writeSection(path: string, heading: string, body: string): Promise<void> {
  const before = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
  const text = replaceSection(before, heading, body);
  const options = (await resolveConfig(path)) ?? {};
  writeFileSync(path, await format(text, { ...options, filepath: path }));
}
