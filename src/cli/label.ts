import { relabelCase, type RelabelDeps } from '../app/relabel.js';
import type { CliIo } from './io.js';

export interface LabelOptions {
  caseId: string;
  /** As typed: "1" or "0". */
  complaint: string;
  category?: string;
  by: string;
  /** Category ids the classifier can give (rules/ and the trained model in use). */
  knownCategories: readonly string[];
}

/**
 * `earshot label <case> --complaint 0|1 [--category id]`: a person's correction of the classifier, checked
 * before anything is stored. Exit code 0 stored, 1 no such case, 2 a bad option.
 */
export async function runLabel(
  deps: RelabelDeps,
  options: LabelOptions,
  io: CliIo,
): Promise<number> {
  if (options.complaint !== '0' && options.complaint !== '1') {
    io.err(`--complaint must be 0 or 1 (got ${JSON.stringify(options.complaint)})`);
    return 2;
  }
  const { category } = options;
  if (category !== undefined && !options.knownCategories.includes(category)) {
    io.err(
      `Unknown category ${JSON.stringify(category)}: use one of ${options.knownCategories.join(', ')}`,
    );
    return 2;
  }
  if (category !== undefined && options.complaint === '0') {
    io.err('--category names what a complaint is about: leave it out with --complaint 0');
    return 2;
  }
  try {
    const label = await relabelCase(deps, {
      caseId: options.caseId,
      complaint: options.complaint === '1' ? 1 : 0,
      category: category ?? null,
      by: options.by,
    });
    io.out(
      `Labelled ${label.caseId} (${label.source}/${label.mentionId}): complaint=${label.complaint}` +
        (label.category ? ` category=${label.category}` : ''),
    );
    return 0;
  } catch (error) {
    io.err((error as Error).message);
    return 1;
  }
}
