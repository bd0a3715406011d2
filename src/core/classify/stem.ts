import PorterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';

const POSSESSIVE = /'s$/;

/** Porter stem of a lower-cased token; a trailing possessive "'s" is dropped first ("what's" → "what"). */
export function stem(token: string): string {
  const word = token.endsWith("'s") ? token.replace(POSSESSIVE, '') : token;
  if (word.length < 3) {
    return word;
  }
  return PorterStemmer.stem(word);
}
