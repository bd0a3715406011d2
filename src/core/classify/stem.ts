import { createRequire } from 'node:module';

interface Stemmer {
  stem(token: string): string;
}

// Only natural's Porter stemmer is loaded: the top-level `natural` package would also load dotenv (which reads
// .env and prints to stdout), mongoose, pg and redis clients. The submodule is CommonJS without typings.
const require = createRequire(import.meta.url);
const PorterStemmer = require('natural/lib/natural/stemmers/porter_stemmer.js') as Stemmer;

const POSSESSIVE = /'s$/;

/** Porter stem of a lower-cased token; a trailing possessive "'s" is dropped first ("what's" → "what"). */
export function stem(token: string): string {
  const word = token.endsWith("'s") ? token.replace(POSSESSIVE, '') : token;
  if (word.length < 3) {
    return word;
  }
  return PorterStemmer.stem(word);
}
