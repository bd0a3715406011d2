import { SOURCES } from '../core/policy/types.js';
import type { Classification, ClassifierInput, SourceId } from '../core/types.js';
import type { CliIo } from './io.js';

function describe(text: string, result: Classification): string[] {
  const lines = [
    `text:       ${JSON.stringify(text)}`,
    `complaint:  ${result.complaint ? 'yes' : 'no'} (confidence ${result.confidence.toFixed(2)})`,
    `sentiment:  ${result.sentiment.toFixed(2)}`,
    `category:   ${result.category ?? '—'}`,
    `severity:   ${result.severity ?? '—'}`,
    `flags:      ${result.flags.length > 0 ? result.flags.join(', ') : '—'}`,
    'reasons:',
  ];
  for (const reason of result.reasons) {
    const weight =
      reason.weight === undefined
        ? ''
        : ` (${reason.weight >= 0 ? '+' : ''}${reason.weight.toFixed(2)})`;
    lines.push(`  ${reason.field.padEnd(9)} ${reason.rule}: ${reason.detail}${weight}`);
  }
  lines.push(`version:    ${result.classifierVersion}`);
  return lines;
}

/** What `earshot classify` may say about the mention besides its text. */
export type MentionContext = Omit<ClassifierInput, 'text' | 'encoding' | 'engagement'>;

/**
 * The mention around the text from `earshot classify`'s options, or what is wrong with them.
 *
 * @example
 * mentionContext({ source: 'app-store', followers: '25000', verified: true, thread: ['where is it?'] });
 * // → { context: { source: 'app-store', author: { followersCount: 25000, verified: true }, thread: [...] } }
 */
export function mentionContext(options: {
  source?: string;
  lang?: string;
  followers?: string;
  verified?: boolean;
  thread?: readonly string[];
}): { context: MentionContext } | { error: string } {
  const source = (options.source ?? 'x-mentions') as SourceId;
  if (!(SOURCES as readonly SourceId[]).includes(source)) {
    return {
      error: `--source must be one of ${SOURCES.join(', ')} (got ${JSON.stringify(options.source)})`,
    };
  }
  if (options.lang !== undefined && !/^[a-z]{2,3}(?:[-_][a-z0-9]{1,8})*$/i.test(options.lang)) {
    return {
      error: `--lang must be a language tag such as en or pt-BR (got ${JSON.stringify(options.lang)})`,
    };
  }
  let followersCount: number | undefined;
  if (options.followers !== undefined) {
    if (!/^\d{1,12}$/.test(options.followers)) {
      return {
        error: `--followers must be a whole number of followers (got ${JSON.stringify(options.followers)})`,
      };
    }
    followersCount = Number(options.followers);
  }
  const thread = (options.thread ?? []).filter((text) => text.trim() !== '');
  return {
    context: {
      source,
      ...(options.lang === undefined ? {} : { lang: options.lang }),
      ...(followersCount === undefined && options.verified !== true
        ? {}
        : {
            author: {
              ...(followersCount === undefined ? {} : { followersCount }),
              verified: options.verified === true,
            },
          }),
      ...(thread.length === 0 ? {} : { thread }),
    },
  };
}

/** `earshot classify`: the full result with reasons for each text (arguments, or stdin one per line). */
export async function runClassify(
  texts: readonly string[],
  classify: (input: ClassifierInput) => Classification | Promise<Classification>,
  options: { json: boolean; context?: MentionContext },
  io: CliIo,
): Promise<number> {
  if (texts.length === 0 || texts.every((text) => text.trim() === '')) {
    io.err('Nothing to classify: pass a text, or pipe texts on stdin, one per line');
    return 2;
  }
  const context = options.context ?? { source: 'x-mentions' };
  for (const [index, text] of texts.entries()) {
    const result = await classify({ ...context, text });
    if (options.json) {
      io.out(JSON.stringify({ text, ...result }));
      continue;
    }
    if (index > 0) {
      io.out('');
    }
    for (const line of describe(text, result)) {
      io.out(line);
    }
  }
  return 0;
}
