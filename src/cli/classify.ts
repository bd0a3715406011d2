import type { Classification, ClassifierInput } from '../core/types.js';
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

/** `earshot classify`: the full result with reasons for each text (arguments, or stdin one per line). */
export async function runClassify(
  texts: readonly string[],
  classify: (input: ClassifierInput) => Classification | Promise<Classification>,
  options: { json: boolean; source?: ClassifierInput['source'] },
  io: CliIo,
): Promise<number> {
  if (texts.length === 0) {
    io.err('Nothing to classify: pass a text, or pipe texts on stdin, one per line');
    return 2;
  }
  for (const [index, text] of texts.entries()) {
    const result = await classify({ text, source: options.source ?? 'x-mentions' });
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
