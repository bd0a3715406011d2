/**
 * Opting back in to automated messages after a "stop". The opt-out side is the classifier's `opt_out` flag
 * (rules/lexicon.<lang>.yaml `optOut`); this is its counterpart, English only for now.
 */

/** Whole messages (after removing @handles, punctuation and case) that opt the author back in. */
const OPT_IN_MESSAGES = new Set([
  'start',
  'start again',
  'unstop',
  'resume',
  'resume replies',
  'opt in',
  'optin',
  'opt me in',
  'opt back in',
  'opt me back in',
  'subscribe',
  'resubscribe',
]);

/**
 * Phrases that opt in wherever they stand. Single words such as "start" are not among them: "the app won't
 * start" is a complaint, not consent.
 */
const OPT_IN_PHRASES = [
  /\bopt (?:me )?back in\b/,
  /\bopt me in\b/,
  /\bresume (?:the )?(?:automated )?(?:replies|messages)\b/,
  /\b(?:you can|feel free to|ok to|okay to) (?:reply|message|contact) (?:me )?again\b/,
  /\bstart (?:replying|messaging) (?:to me )?again\b/,
];

const NEGATIONS = new Set(['not', 'never', 'no', 'don', 'dont']);

/** "don't opt me back in": a negation among the three words before a phrase cancels it. */
function negatedBefore(normalised: string, index: number): boolean {
  const before = normalised.slice(0, index).trim().split(' ').slice(-3);
  return before.some((word) => NEGATIONS.has(word));
}

function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/@\w+/g, ' ')
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The text asks to receive automated messages again ("start", "opt in", "resume replies"). */
export function isOptIn(text: string): boolean {
  const normalised = normalise(text);
  if (OPT_IN_MESSAGES.has(normalised)) {
    return true;
  }
  for (const phrase of OPT_IN_PHRASES) {
    const match = phrase.exec(normalised);
    if (match !== null && !negatedBefore(normalised, match.index)) {
      return true;
    }
  }
  return false;
}
