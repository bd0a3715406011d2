/**
 * Receives the tokens of a text, in order. Words arrive as a range of the lower-cased text so that a caller with a
 * cache can look them up without allocating a string per word; symbols (punctuation, emoticons, emoji) arrive as
 * strings.
 */
export interface TokenSink {
  word(lower: string, start: number, end: number): void;
  symbol(token: string): void;
}

const URL = /\bhttps?:\/\/\S+|\bwww\.\S+/gi;
const PICTOGRAPHIC = /\p{Extended_Pictographic}/u;

const APOSTROPHE = 39;
const RIGHT_QUOTE = 0x2019;

/** Sentence-ending punctuation; negation, intensity and sarcasm scopes stop at these tokens. */
export function isBoundary(token: string): boolean {
  return token === '.' || token === '!' || token === '?' || token === ';';
}

/** Removes URLs: the classifier reads neither their words nor their digits. */
export function withoutUrls(text: string): string {
  return text.includes('http') || text.includes('www.') ? text.replace(URL, ' ') : text;
}

function isAsciiAlnum(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57);
}

/** Letters and digits, including accented Latin, Greek, Cyrillic and CJK letters. */
function isWordChar(code: number): boolean {
  if (code < 128) {
    return isAsciiAlnum(code);
  }
  return (
    (code >= 0xc0 && code <= 0x1fff && code !== 0xd7 && code !== 0xf7) ||
    (code >= 0x3040 && code <= 0x9fff) ||
    (code >= 0xac00 && code <= 0xd7af)
  );
}

/** `\w` as in X handles: ASCII letters, digits and '_'. */
function isHandleChar(code: number): boolean {
  return isAsciiAlnum(code) || code === 95;
}

function emoticonLength(text: string, at: number): number {
  let next = at + 1;
  if (text.charCodeAt(next) === 45) {
    next += 1;
  }
  const mouth = text[next];
  if (mouth === undefined) {
    return 0;
  }
  // "http://" never reaches here: URLs are removed first.
  return '()/\\|dp'.includes(mouth) ? next - at + 1 : 0;
}

/** Splits a hashtag body at lower→upper changes of the original text, so "#NeverAgain" reads as "never again". */
function hashtag(
  original: string,
  lower: string,
  start: number,
  end: number,
  sink: TokenSink,
): void {
  let from = start;
  if (original.length === lower.length) {
    for (let i = start + 1; i < end; i += 1) {
      const code = original.charCodeAt(i);
      const previous = original.charCodeAt(i - 1);
      if (code >= 65 && code <= 90 && previous >= 97 && previous <= 122) {
        sink.word(lower, from, i);
        from = i;
      }
    }
  }
  sink.word(lower, from, end);
}

/**
 * Tokenizes in one pass over the characters: words (letters, digits, inner apostrophes), hashtags split into
 * words, emoticons, emoji, and the punctuation '.', '!', '?', ';', ','. @handles and HTML entities are skipped:
 * a lexicon reads "@united" as "united" (+1), and the X API escapes '&' as "&amp;".
 * A hand-written scanner because the classifier must handle ≥ 100k texts/s and a Unicode regex tokenizer alone
 * costs a third of that budget.
 */
export function scanTokens(text: string, sink: TokenSink): void {
  const lower = text.toLowerCase();
  const length = lower.length;
  let i = 0;
  while (i < length) {
    const code = lower.charCodeAt(i);
    if (isWordChar(code)) {
      let end = i + 1;
      while (end < length) {
        const next = lower.charCodeAt(end);
        if (isWordChar(next)) {
          end += 1;
        } else if (
          (next === APOSTROPHE || next === RIGHT_QUOTE) &&
          isWordChar(lower.charCodeAt(end + 1))
        ) {
          end += 2;
        } else {
          break;
        }
      }
      sink.word(lower, i, end);
      i = end;
      continue;
    }
    switch (code) {
      // '@': a handle, unless it follows a word character (an e-mail's '@' only splits its words).
      case 64: {
        let end = i + 1;
        if (i === 0 || !isHandleChar(lower.charCodeAt(i - 1))) {
          while (end < length && isHandleChar(lower.charCodeAt(end))) {
            end += 1;
          }
        }
        i = end;
        continue;
      }
      // '#'
      case 35: {
        let end = i + 1;
        while (end < length && isWordChar(lower.charCodeAt(end))) {
          end += 1;
        }
        if (end > i + 1) {
          hashtag(text, lower, i + 1, end, sink);
        }
        i = end;
        continue;
      }
      // '&': an HTML entity is a separator.
      case 38: {
        const semicolon = lower.indexOf(';', i);
        i = semicolon > i && semicolon - i <= 6 ? semicolon + 1 : i + 1;
        continue;
      }
      // '.', '!', '?', ','
      case 46:
      case 33:
      case 63:
      case 44:
        sink.symbol(lower[i] ?? '');
        i += 1;
        continue;
      // ':', ';', '='
      case 58:
      case 59:
      case 61: {
        const emoticon = emoticonLength(lower, i);
        if (emoticon > 0) {
          sink.symbol(lower.slice(i, i + emoticon));
          i += emoticon;
          continue;
        }
        if (code === 59) {
          sink.symbol(';');
        }
        i += 1;
        continue;
      }
      default:
        break;
    }
    if (code >= 0xd800 && code <= 0xdbff) {
      const symbol = lower.slice(i, i + 2);
      if (PICTOGRAPHIC.test(symbol)) {
        sink.symbol(symbol);
      }
      i += 2;
      continue;
    }
    if (code >= 0x2000 && code < 0x2c00 && PICTOGRAPHIC.test(lower[i] ?? '')) {
      sink.symbol(lower[i] ?? '');
    }
    i += 1;
  }
}

/** The tokens of a text as strings (for rules at compile time and for tests). */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  scanTokens(withoutUrls(text), {
    word(lower, start, end) {
      tokens.push(lower.slice(start, end).replaceAll('\u2019', "'"));
    },
    symbol(token) {
      tokens.push(token);
    },
  });
  return tokens;
}
