/**
 * Byte-wise (UTF-16 code unit) string order, as Go's `<` on strings orders ASCII text: what istioctl's
 * sorts use, and deterministic unlike localeCompare.
 */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
