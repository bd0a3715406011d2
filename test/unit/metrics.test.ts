import { describe, expect, it } from 'vitest';
import {
  binaryMetrics,
  binaryMetricsFromCounts,
  categoryMetrics,
  countBinary,
} from '../../src/core/metrics.js';
import type { CategoryObservation } from '../../src/core/metrics.js';

function repeat(actual: boolean, predicted: boolean, times: number): Array<[boolean, boolean]> {
  return Array.from({ length: times }, () => [actual, predicted]);
}

describe('binaryMetricsFromCounts', () => {
  it.each`
    case                     | tp    | fp    | tn    | fn   | accuracy | balanced  | precision | recall    | f1
    ${'textbook'}            | ${40} | ${10} | ${45} | ${5} | ${0.85}  | ${0.8535} | ${0.8}    | ${0.8889} | ${0.8421}
    ${'perfect'}             | ${3}  | ${0}  | ${2}  | ${0} | ${1}     | ${1}      | ${1}      | ${1}      | ${1}
    ${'all wrong'}           | ${0}  | ${2}  | ${0}  | ${3} | ${0}     | ${0}      | ${0}      | ${0}      | ${0}
    ${'always complaint'}    | ${6}  | ${4}  | ${0}  | ${0} | ${0.6}   | ${0.5}    | ${0.6}    | ${1}      | ${0.75}
    ${'no positives at all'} | ${0}  | ${0}  | ${5}  | ${0} | ${1}     | ${1}      | ${0}      | ${0}      | ${0}
    ${'empty'}               | ${0}  | ${0}  | ${0}  | ${0} | ${0}     | ${0}      | ${0}      | ${0}      | ${0}
  `('$case', ({ tp, fp, tn, fn, accuracy, balanced, precision, recall, f1 }) => {
    const counts = { tp: tp as number, fp: fp as number, tn: tn as number, fn: fn as number };

    const metrics = binaryMetricsFromCounts(counts);

    expect(metrics.n).toBe((tp as number) + (fp as number) + (tn as number) + (fn as number));
    expect(metrics.accuracy).toBeCloseTo(accuracy as number, 4);
    expect(metrics.balancedAccuracy).toBeCloseTo(balanced as number, 4);
    expect(metrics.precision).toBeCloseTo(precision as number, 4);
    expect(metrics.recall).toBeCloseTo(recall as number, 4);
    expect(metrics.f1).toBeCloseTo(f1 as number, 4);
  });
});

describe('countBinary / binaryMetrics', () => {
  it('counts each cell of the confusion matrix', () => {
    const pairs = [
      ...repeat(true, true, 4),
      ...repeat(true, false, 1),
      ...repeat(false, true, 2),
      ...repeat(false, false, 3),
    ];

    const counts = countBinary(
      pairs.map(([actual]) => actual),
      pairs.map(([, predicted]) => predicted),
    );
    const metrics = binaryMetrics(
      pairs.map(([actual]) => actual),
      pairs.map(([, predicted]) => predicted),
    );

    expect(counts).toEqual({ tp: 4, fn: 1, fp: 2, tn: 3 });
    expect(metrics.accuracy).toBeCloseTo(0.7, 10);
    expect(metrics.balancedAccuracy).toBeCloseTo((4 / 5 + 3 / 5) / 2, 10);
  });

  it('refuses lists of different lengths', () => {
    expect(() => countBinary([true], [])).toThrow(RangeError);
  });
});

describe('categoryMetrics', () => {
  // Hand-computed example: three labeled categories over 10 scored rows, plus rows that must not be scored.
  //            predicted: bag  delay  refund  billing(not a label)  none
  //   bag                  3     1      0       0                    0
  //   delay                1     2      0       0                    1
  //   refund               0     0      1       1                    0
  const rows: CategoryObservation[] = [
    ...Array.from({ length: 3 }, () => ({ complaint: true, category: 'bag', predicted: 'bag' })),
    { complaint: true, category: 'bag', predicted: 'delay' },
    { complaint: true, category: 'delay', predicted: 'bag' },
    ...Array.from({ length: 2 }, () => ({
      complaint: true,
      category: 'delay',
      predicted: 'delay',
    })),
    { complaint: true, category: 'delay', predicted: null },
    { complaint: true, category: 'refund', predicted: 'refund' },
    { complaint: true, category: 'refund', predicted: 'billing' },
    // Not scored: not a complaint, or a complaint without a category.
    { complaint: false, category: null, predicted: 'bag' },
    { complaint: false, category: 'delay', predicted: 'refund' },
    { complaint: true, category: null, predicted: 'refund' },
    { complaint: true, category: '', predicted: 'refund' },
  ];

  it('scores only labeled complaints with a category', () => {
    const metrics = categoryMetrics(rows);

    expect(metrics?.n).toBe(10);
    expect(metrics?.accuracy).toBeCloseTo(0.6, 10);
  });

  it.each`
    category    | support | predicted | tp   | precision | recall  | f1
    ${'bag'}    | ${4}    | ${4}      | ${3} | ${0.75}   | ${0.75} | ${0.75}
    ${'delay'}  | ${4}    | ${3}      | ${2} | ${2 / 3}  | ${0.5}  | ${4 / 7}
    ${'refund'} | ${2}    | ${1}      | ${1} | ${1}      | ${0.5}  | ${2 / 3}
  `(
    'per-category scores of $category',
    ({ category, support, predicted, tp, precision, recall, f1 }) => {
      const metrics = categoryMetrics(rows);

      const score = metrics?.perCategory.find((entry) => entry.category === category);

      expect(score?.support).toBe(support);
      expect(score?.predicted).toBe(predicted);
      expect(score?.tp).toBe(tp);
      expect(score?.precision).toBeCloseTo(precision as number, 10);
      expect(score?.recall).toBeCloseTo(recall as number, 10);
      expect(score?.f1).toBeCloseTo(f1 as number, 10);
    },
  );

  it('averages F1 over the labeled categories only', () => {
    const metrics = categoryMetrics(rows);

    expect(metrics?.perCategory.map((score) => score.category)).toEqual(['bag', 'delay', 'refund']);
    expect(metrics?.macroF1).toBeCloseTo((0.75 + 4 / 7 + 2 / 3) / 3, 10);
  });

  it('builds the confusion matrix with predicted-only labels and "no category" as extra columns', () => {
    const metrics = categoryMetrics(rows);

    expect(metrics?.confusion).toEqual({
      actual: ['bag', 'delay', 'refund'],
      predicted: ['bag', 'delay', 'refund', 'billing', null],
      counts: [
        [3, 1, 0, 0, 0],
        [1, 2, 0, 0, 1],
        [0, 0, 1, 1, 0],
      ],
    });
  });

  it('is null when no row has a labeled category', () => {
    const metrics = categoryMetrics([
      { complaint: true, category: null, predicted: 'bag' },
      { complaint: false, category: null, predicted: null },
    ]);

    expect(metrics).toBeNull();
  });
});
