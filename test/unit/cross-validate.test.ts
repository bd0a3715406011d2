import { describe, expect, it } from 'vitest';
import {
  crossValidate,
  meanAndSd,
  scoreRows,
  stratifiedFolds,
} from '../../src/core/model/cross-validate.js';
import type { TrainingRow } from '../../src/core/model/train.js';

function rows(complaints: number, others: number): TrainingRow[] {
  const made: TrainingRow[] = [];
  for (let i = 0; i < complaints; i += 1) {
    made.push({
      id: `c${i}`,
      text: `broken thing ${i}`,
      complaint: 1,
      category: i % 2 ? 'a' : 'b',
    });
  }
  for (let i = 0; i < others; i += 1) {
    made.push({ id: `o${i}`, text: `fine thing ${i}`, complaint: 0, category: null });
  }
  return made;
}

describe('stratifiedFolds', () => {
  it('puts every row in one fold, with the complaints spread evenly', () => {
    const data = rows(23, 12);

    const fold = stratifiedFolds(data, 5, 1);

    expect(fold).toHaveLength(35);
    for (let k = 0; k < 5; k += 1) {
      const members = data.filter((_row, i) => fold[i] === k);
      const complaints = members.filter((row) => row.complaint === 1).length;
      expect(complaints === 4 || complaints === 5).toBe(true);
      expect(members.length - complaints).toBeGreaterThanOrEqual(2);
      expect(members.length - complaints).toBeLessThanOrEqual(3);
    }
  });

  it('gives the same folds for the same seed and other folds for another seed', () => {
    const data = rows(40, 40);

    expect(stratifiedFolds(data, 4, 7)).toEqual(stratifiedFolds(data, 4, 7));
    expect(stratifiedFolds(data, 4, 8)).not.toEqual(stratifiedFolds(data, 4, 7));
  });
});

describe('crossValidate', () => {
  it('never trains on the fold it scores, and scores every row once', () => {
    const data = rows(10, 10);
    const heldOutSeen: string[] = [];

    const scores = crossValidate(data, {
      folds: 5,
      seed: 1,
      fit: (training) => {
        const known = new Set(training.map((row) => row.text));
        return (text) => {
          expect(known.has(text)).toBe(false);
          heldOutSeen.push(text);
          return { complaint: text.startsWith('broken'), category: null };
        };
      },
    });

    expect(scores).toHaveLength(5);
    expect(scores.map((score) => score.n)).toEqual([4, 4, 4, 4, 4]);
    expect(heldOutSeen.sort()).toEqual(data.map((row) => row.text).sort());
    expect(scores.every((score) => score.accuracy === 1 && score.f1 === 1)).toBe(true);
  });

  it('reports what each fold scored as it goes', () => {
    const folds: number[] = [];

    crossValidate(rows(6, 6), {
      folds: 3,
      seed: 1,
      fit: () => () => ({ complaint: true, category: null }),
      onFold: (k, score) => {
        folds.push(k);
        expect(score.accuracy).toBe(0.5);
        expect(score.recall).toBe(1);
      },
    });

    expect(folds).toEqual([0, 1, 2]);
  });
});

describe('scoreRows', () => {
  it('scores complaint detection and categories like earshot eval', () => {
    const data = rows(2, 2);

    const score = scoreRows(data, [
      { complaint: true, category: 'b' },
      { complaint: false, category: 'b' },
      { complaint: true, category: null },
      { complaint: false, category: null },
    ]);

    expect(score).toMatchObject({ n: 4, accuracy: 0.5, precision: 0.5, recall: 0.5, f1: 0.5 });
    // "b" is right once out of two guesses (precision 0.5, recall 1: F1 2/3); "a" is never found (F1 0).
    expect(score.categoryMacroF1).toBeCloseTo(1 / 3, 10);
  });

  it('has no category score when the complaints carry no category', () => {
    const data = rows(2, 2).map((row) => ({ ...row, category: null }));

    const score = scoreRows(
      data,
      data.map(() => ({ complaint: true, category: null })),
    );

    expect(score.categoryMacroF1).toBeNull();
  });
});

describe('meanAndSd', () => {
  it('gives the mean and the sample standard deviation', () => {
    const { mean, sd } = meanAndSd([0.8, 0.9, 1.0]);

    expect(mean).toBeCloseTo(0.9, 12);
    expect(sd).toBeCloseTo(0.1, 12);
    expect(meanAndSd([0.5])).toEqual({ mean: 0.5, sd: 0 });
  });
});
