import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadClassifierRules } from '../../src/config/rules.js';
import { createClassifier } from '../../src/core/classify/index.js';

const RULES_DIR = fileURLToPath(new URL('../../rules', import.meta.url));

describe('sentiment of inflected words (valence lent by the stem)', () => {
  const classify = createClassifier(loadClassifierRules(RULES_DIR));
  const sentimentOf = (text: string) =>
    classify({ text, lang: 'en', source: 'x-mentions' }).sentiment;

  it('lends a base word\'s valence to its inflections: "crashes" reads like "crash"', () => {
    expect(sentimentOf('it crashes')).toBeLessThan(0);
    expect(sentimentOf('it crashes')).toBe(sentimentOf('it crash'));
  });

  it('does not read "has" as AFINN\'s laughing "ha" (+2): a two-letter stem lends nothing', () => {
    expect(sentimentOf('ha')).toBeGreaterThan(0);
    expect(sentimentOf('it has a cast button')).toBe(0);
  });
});
