/** Log-normal latency: a median and a 99th percentile give the whole distribution. */

/** Istio's default buckets for istio_request_duration_milliseconds (ms). */
export const DURATION_BUCKETS_MS = [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000];

const Z99 = 2.3263478740408408;

/** Abramowitz–Stegun 7.1.26 (|error| < 1.5e-7): plenty for bucket fractions. */
function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return sign * y;
}

export interface Latency {
  p50: number;
  p99: number;
}

function params({ p50, p99 }: Latency) {
  const mu = Math.log(p50);
  const sigma = Math.max(1e-6, Math.log(Math.max(p99, p50 * 1.0001) / p50) / Z99);
  return { mu, sigma };
}

/** P(latency ≤ x). */
export function latencyCdf(latency: Latency, x: number): number {
  const { mu, sigma } = params(latency);
  return 0.5 * (1 + erf((Math.log(x) - mu) / (sigma * Math.SQRT2)));
}

export function latencyMean(latency: Latency): number {
  const { mu, sigma } = params(latency);
  return Math.exp(mu + (sigma * sigma) / 2);
}
