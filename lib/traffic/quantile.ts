/**
 * Prometheus's histogram_quantile, on bucket rates the server already has (promql/quantile.go
 * bucketQuantile): one bucket query gives every percentile of every flow and of every cluster pair,
 * where asking Prometheus would re-aggregate the same buckets once per percentile.
 */
export interface Bucket {
  /** Upper bound; Infinity for "+Inf". */
  le: number;
  /** Cumulative count (or rate) up to `le`. */
  value: number;
}

export function histogramQuantile(q: number, input: readonly Bucket[]): number | null {
  if (q < 0 || q > 1) return null;
  const buckets = [...input].sort((a, b) => a.le - b.le);
  if (buckets.length < 2 || buckets[buckets.length - 1].le !== Infinity) return null;
  // Cumulative counts must not decrease (rates of separately scraped counters can wobble).
  for (let i = 1; i < buckets.length; i++) if (buckets[i].value < buckets[i - 1].value) buckets[i] = { ...buckets[i], value: buckets[i - 1].value };
  const observations = buckets[buckets.length - 1].value;
  if (!(observations > 0)) return null;
  let rank = q * observations;
  let b = buckets.findIndex((x) => x.value >= rank);
  if (b < 0) b = buckets.length - 1;
  if (b === buckets.length - 1) return buckets[buckets.length - 2].le;
  if (b === 0 && buckets[0].le <= 0) return buckets[0].le;
  const start = b === 0 ? 0 : buckets[b - 1].le;
  let count = buckets[b].value;
  if (b > 0) {
    count -= buckets[b - 1].value;
    rank -= buckets[b - 1].value;
  }
  return count > 0 ? start + (buckets[b].le - start) * (rank / count) : start;
}

/** "+Inf" / "25" as Prometheus prints `le`. */
export function parseLe(text: string | undefined): number | null {
  if (text === '+Inf') return Infinity;
  const n = Number(text);
  return text !== undefined && Number.isFinite(n) ? n : null;
}
