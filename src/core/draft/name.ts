import twitter from 'twitter-text';

/** The longest first name we greet someone by; longer "names" are rarely names. */
export const NAME_MAX_LENGTH = 24;

const HONORIFICS = new Set(['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof', 'sir', 'dame', 'madam']);

// Display names and store nicknames are often not names ("Angry Customer", "Happy user 22"); greeting
// someone as "Hi Angry" is worse than no name at all.
const NOT_NAMES = new Set([
  'to',
  'of',
  'and',
  'or',
  'in',
  'on',
  'at',
  'by',
  'for',
  'with',
  'from',
  'is',
  'it',
  'its',
  'we',
  'you',
  'he',
  'she',
  'they',
  'this',
  'that',
  'hi',
  'hey',
  'hello',
  'www',
  'a',
  'an',
  'the',
  'i',
  'im',
  'me',
  'my',
  'your',
  'not',
  'no',
  'just',
  'real',
  'very',
  'happy',
  'unhappy',
  'angry',
  'sad',
  'mad',
  'annoyed',
  'frustrated',
  'disappointed',
  'furious',
  'fed',
  'customer',
  'client',
  'user',
  'guest',
  'anonymous',
  'anon',
  'someone',
  'somebody',
  'person',
  'reviewer',
  'fan',
  'official',
  'support',
  'help',
  'admin',
  'team',
  'app',
  'google',
  'apple',
  'iphone',
  'android',
]);

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/**
 * A first name to greet the author by, taken from an untrusted display name, or null when nothing usable is
 * left. The result holds only letters, marks, apostrophes and hyphens, so it cannot carry an @mention, URL,
 * hashtag, cashtag or control character into our reply.
 *
 * @example firstNameOf('@evil https://x.co #spam 🎉 Sam', { name: 'Acme' }) // 'Sam'
 */
export function firstNameOf(
  displayName: string,
  brand: { name: string; handle?: string | undefined },
): string | null {
  // NFKC folds look-alikes such as full-width ＠ and ＃ or mathematical bold letters into plain ones.
  let text = displayName.normalize('NFKC');
  for (const url of twitter.extractUrls(text)) {
    text = text.split(url).join(' ');
  }
  text = text
    .replace(/\S*:\/\/\S*/g, ' ')
    // Anything domain-like, even with a top-level domain twitter-text doesn't know ("spam.example").
    .replace(/\S*[\p{L}\p{N}]\.[\p{L}\p{N}]\S*/gu, ' ')
    .replace(/[@#$]\S*/g, ' ')
    .replace(/[^\p{L}\p{M}'’-]+/gu, ' ')
    // Stacked combining marks ("Zalgo" text) render as noise; keep at most two per letter.
    .replace(/(\p{M}{2})\p{M}+/gu, '$1');

  const words = text
    .split(/\s+/)
    .map((word) => word.replace(/^[\p{M}'’-]+|['’-]+$/gu, ''))
    .filter((word) => /\p{L}/u.test(word));
  const first = words.find((word) => !HONORIFICS.has(word.toLowerCase()));
  if (first === undefined) {
    return null;
  }
  if (!isPlausibleName(first, brand)) {
    return null;
  }
  if (twitter.extractEntitiesWithIndices(`Hi ${first},`).length > 0) {
    return null;
  }
  return first;
}

function isPlausibleName(
  word: string,
  brand: { name: string; handle?: string | undefined },
): boolean {
  const length = [...word].length;
  if (length > NAME_MAX_LENGTH) {
    return false;
  }
  if (length < 2 && !CJK.test(word)) {
    return false;
  }
  const lower = word.toLowerCase();
  if (NOT_NAMES.has(lower.replace(/['’-]/g, ''))) {
    return false;
  }
  // An account named after the brand is an impersonator or a fan page; "Hi Acme" would read oddly either way.
  const brandWords = [brand.name.split(/\s+/)[0] ?? '', brand.handle ?? ''].map((w) =>
    w.toLowerCase(),
  );
  return !brandWords.includes(lower);
}
