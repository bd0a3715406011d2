// natural ships no typings for its submodules; importing the top-level package would load dotenv, mongoose, pg and
// redis clients (see classifier-facts.md), so the classifier deep-imports only the stemmer.
declare module 'natural/lib/natural/stemmers/porter_stemmer.js' {
  interface Stemmer {
    stem(token: string): string;
  }
  const PorterStemmer: Stemmer;
  export default PorterStemmer;
}
