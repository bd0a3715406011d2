import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, Node } from 'yaml';
import type { z } from 'zod';

/** A YAML file parsed with positions kept, so that a validation issue can name `file:line:col`. */
export interface LocatedYaml {
  file: string;
  value: unknown;
  /** YAML syntax errors, already formatted as `file:line:col — message`. */
  syntaxErrors: string[];
  /** `file:line:col` of the node at `path`, or of its deepest existing ancestor. */
  locate: (path: readonly PropertyKey[], preferKey?: boolean) => string;
}

interface Position {
  line: number;
  col: number;
}

function keyOf(node: unknown): unknown {
  return isScalar(node) ? node.value : node;
}

function offsetOf(doc: Document, path: readonly PropertyKey[], preferKey: boolean): number {
  let node: unknown = doc.contents;
  let offset = doc.contents?.range?.[0] ?? 0;
  for (const [depth, segment] of path.entries()) {
    const last = depth === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((item) => String(keyOf(item.key)) === String(segment));
      if (pair === undefined) {
        return offset;
      }
      const keyNode = pair.key as Node | null;
      const valueNode = pair.value as Node | null;
      const keyOffset = keyNode?.range?.[0];
      const valueOffset = valueNode?.range?.[0];
      offset = (last && preferKey ? keyOffset : (valueOffset ?? keyOffset)) ?? offset;
      node = valueNode;
      continue;
    }
    if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (item?.range === undefined || item.range === null) {
        return offset;
      }
      offset = item.range[0];
      node = item;
      continue;
    }
    return offset;
  }
  return offset;
}

/** Parses YAML text; never throws. */
export function parseYamlWithLines(file: string, text: string): LocatedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const syntaxErrors = doc.errors.map((error) => {
    const position: Position = error.linePos?.[0] ?? lineCounter.linePos(error.pos[0]);
    const message = error.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? '';
    return `${file}:${position.line}:${position.col} — YAML syntax error (${error.code}): ${message}`;
  });
  function locate(path: readonly PropertyKey[], preferKey = false): string {
    const position = lineCounter.linePos(offsetOf(doc, path, preferKey));
    return `${file}:${position.line}:${position.col}`;
  }
  const value = syntaxErrors.length === 0 ? doc.toJS() : undefined;
  return { file, value, syntaxErrors, locate };
}

function dotted(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

/** One line per zod issue: `file:line:col — dotted.path: message`. */
export function formatIssues(yaml: LocatedYaml, issues: readonly z.core.$ZodIssue[]): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const path = [...issue.path, key];
        lines.push(`${yaml.locate(path, true)} — ${dotted(path)}: unknown key "${key}"`);
      }
      continue;
    }
    if (issue.code === 'invalid_key') {
      const detail = issue.issues.map((inner) => inner.message).join('; ');
      lines.push(
        `${yaml.locate(issue.path, true)} — ${dotted(issue.path)}: invalid key${detail === '' ? '' : `: ${detail}`}`,
      );
      continue;
    }
    const where = issue.path.length === 0 ? '(top level)' : dotted(issue.path);
    lines.push(`${yaml.locate(issue.path)} — ${where}: ${issue.message}`);
  }
  return lines;
}
