import { describe, expect, it } from 'vitest';
import { histogramQuantile } from './quantile';

describe('histogramQuantile (as Prometheus computes it)', () => {
  const buckets = [
    { le: 5, value: 10 },
    { le: 10, value: 60 },
    { le: 25, value: 90 },
    { le: 50, value: 99 },
    { le: 100, value: 100 },
    { le: Infinity, value: 100 },
  ];
  it('interpolates linearly inside the bucket holding the rank', () => {
    expect(histogramQuantile(0.5, buckets)).toBeCloseTo(9, 9); // rank 50: 5 + 5 × 40/50
    expect(histogramQuantile(0.99, buckets)).toBeCloseTo(50, 9);
    expect(histogramQuantile(0.05, buckets)).toBeCloseTo(2.5, 9);
  });
  it('answers the last finite bound for ranks in +Inf, and nothing without observations or +Inf', () => {
    expect(histogramQuantile(1, [{ le: 10, value: 1 }, { le: Infinity, value: 2 }])).toBe(10);
    expect(histogramQuantile(0.5, [{ le: 10, value: 0 }, { le: Infinity, value: 0 }])).toBeNull();
    expect(histogramQuantile(0.5, [{ le: 10, value: 1 }, { le: 20, value: 2 }])).toBeNull();
  });
});
