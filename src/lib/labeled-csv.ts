import { parse } from 'csv-parse/sync';
import type { CsvError } from 'csv-parse/sync';

/**
 * One labeled text from a CSV file.
 *
 * @example
 * { id: '570301031407624196', text: 'my bag never arrived', complaint: 1, category: 'Lost Luggage', line: 4 }
 */
export interface LabeledRow {
  id: string;
  text: string;
  complaint: 0 | 1;
  /** The complaint's category, or null when the file has no category column or the cell is empty. */
  category: string | null;
  /** 1-based line on which the row starts (a quoted field may span several lines). */
  line: number;
}

export interface LabeledCsvError {
  source: string;
  line: number;
  message: string;
}

export interface LabeledCsv {
  rows: LabeledRow[];
  /** Every row that was not used, with why; the header's problems are reported on line 1. */
  errors: LabeledCsvError[];
}

const REQUIRED_COLUMNS = ['id', 'text', 'complaint'] as const;
const TRAILING_NEWLINE = /\r?\n$/;
// Skipped empty lines before a record end up at the start of its raw text.
const LEADING_NEWLINES = /^[\r\n]+/;
const MAX_SHOWN_VALUE = 40;

interface ParsedRecord {
  record: string[];
  raw: string;
  info: { lines: number };
}

function newlinesIn(text: string): number {
  let count = 0;
  for (const char of text) {
    if (char === '\n') {
      count += 1;
    }
  }
  return count;
}

/** csv-parse reports the line a record ends on; a multi-line quoted field moves the start back. */
function startLine(endLine: number, raw: string): number {
  return endLine - newlinesIn(raw.replace(TRAILING_NEWLINE, '').replace(LEADING_NEWLINES, ''));
}

function shown(value: string): string {
  const short = value.length > MAX_SHOWN_VALUE ? `${value.slice(0, MAX_SHOWN_VALUE)}…` : value;
  return JSON.stringify(short);
}

function isCsvError(error: unknown): error is CsvError {
  return error instanceof Error && 'code' in error && typeof error.code === 'string';
}

interface ReadState {
  source: string;
  rows: LabeledRow[];
  errors: LabeledCsvError[];
  /** Lower-cased header names, once the header has been read. */
  columns: string[] | null;
  /** Line of each id seen so far, for duplicates. */
  seen: Map<string, number>;
}

function report(state: ReadState, line: number, message: string): void {
  state.errors.push({ source: state.source, line, message });
}

/**
 * Reads the records of `text` (a header line, then rows) into `state`. `lineOffset` is added to every line
 * reported, for a text that is the rest of a file. Returns the line (in the file) of a quote that is never
 * closed, after which nothing was read, or null.
 */
function readRecords(text: string, lineOffset: number, state: ReadState): number | null {
  let unclosedAt: number | null = null;
  let records: ParsedRecord[];
  try {
    records = parse(text, {
      bom: true,
      info: true,
      raw: true,
      // Files put together from several sources mix line endings; either ends a row.
      record_delimiter: ['\r\n', '\n'],
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (error: CsvError | undefined, raw: string | undefined) => {
        const line =
          lineOffset + startLine(typeof error?.lines === 'number' ? error.lines : 1, raw ?? '');
        const message = (error?.message ?? 'unreadable row')
          .replace(/ at line \d+/, '')
          .replace(/ on line \d+/, '');
        if (error?.code === 'CSV_QUOTE_NOT_CLOSED') {
          unclosedAt = line;
          report(
            state,
            line,
            `a quote opened on this line is never closed (${message}): this line is skipped and the lines after it are read again as rows`,
          );
          return;
        }
        report(state, line, message);
      },
      // csv-parse's typings do not model the { record, raw, info } shape that `info` and `raw` produce.
    }) as unknown as ParsedRecord[];
  } catch (error) {
    if (isCsvError(error)) {
      report(
        state,
        lineOffset + (typeof error.lines === 'number' ? error.lines : 1),
        error.message,
      );
      return null;
    }
    throw error;
  }

  const header = records[0];
  if (state.columns === null) {
    if (header === undefined) {
      report(state, 1, 'the file is empty: expected a header with id,text,complaint');
      return null;
    }
    const columns = header.record.map((name) => name.trim().toLowerCase());
    const missing = REQUIRED_COLUMNS.filter((name) => !columns.includes(name));
    if (missing.length > 0) {
      report(
        state,
        startLine(header.info.lines, header.raw),
        `the header lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ` +
          `(found: ${columns.join(', ')})`,
      );
      return null;
    }
    state.columns = columns;
  }
  const { columns, seen } = state;
  const idAt = columns.indexOf('id');
  const textAt = columns.indexOf('text');
  const complaintAt = columns.indexOf('complaint');
  const categoryAt = columns.indexOf('category');

  for (const { record, raw, info } of records.slice(1)) {
    const line = lineOffset + startLine(info.lines, raw);
    if (record.length !== columns.length) {
      report(
        state,
        line,
        `expected ${columns.length} fields like the header, got ${record.length} (an unquoted comma or a missing field?)`,
      );
      continue;
    }
    const id = (record[idAt] ?? '').trim();
    const textValue = record[textAt] ?? '';
    const complaint = (record[complaintAt] ?? '').trim();
    const category = categoryAt < 0 ? '' : (record[categoryAt] ?? '').trim();
    if (id === '') {
      report(state, line, 'id is empty');
      continue;
    }
    const firstLine = seen.get(id);
    if (firstLine !== undefined) {
      report(state, line, `id ${shown(id)} already appeared on line ${firstLine}`);
      continue;
    }
    if (textValue.trim() === '') {
      report(state, line, `text is empty (id ${shown(id)})`);
      continue;
    }
    if (complaint !== '0' && complaint !== '1') {
      report(state, line, `complaint must be 1 or 0, got ${shown(complaint)} (id ${shown(id)})`);
      continue;
    }
    seen.set(id, line);
    state.rows.push({
      id,
      text: textValue,
      complaint: complaint === '1' ? 1 : 0,
      category: category === '' ? null : category,
      line,
    });
  }
  return unclosedAt;
}

/**
 * Reads a labeled CSV: a header with at least `id,text,complaint` (complaint is 1 or 0) and optionally
 * `category`; other columns are ignored. A bad row never stops the read and is never dropped silently: it is
 * returned in `errors` with the line it starts on. A quote that is never closed would swallow the rest of the
 * file into one field; instead its line is reported and the lines after it are read again. `source` names the
 * file in the errors.
 */
export function readLabeledCsv(text: string, source: string): LabeledCsv {
  const state: ReadState = { source, rows: [], errors: [], columns: null, seen: new Map() };
  let unclosedAt = readRecords(text, 0, state);
  const lines = unclosedAt === null ? [] : text.split('\n');
  while (unclosedAt !== null && state.columns !== null) {
    // The header again, then the lines after the broken one: reported lines stay the file's lines.
    const rest = lines.slice(unclosedAt).join('\n');
    if (rest.trim() === '') {
      break;
    }
    unclosedAt = readRecords(`${lines[0] ?? ''}\n${rest}`, unclosedAt - 1, state);
  }
  return { rows: state.rows, errors: state.errors };
}
