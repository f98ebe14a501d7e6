/** Find-by-name over the elements on the canvas: best matches first. */
import type { GraphElement } from './elements';

/**
 * Node ids whose name matches `query` (case-insensitive): exact name, then prefix, then substring of
 * the label or id (ids hold cluster and namespace, so "cluster2 ratings" style queries work word by word).
 */
export function findNodes(elements: readonly GraphElement[], query: string): string[] {
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  const ranked: Array<{ id: string; rank: number }> = [];
  for (const el of elements) {
    if (el.group !== 'nodes') continue;
    const name = el.data.label.split('\n')[0].toLowerCase();
    const haystack = `${el.data.id} ${el.data.label}`.toLowerCase();
    if (!words.every((w) => haystack.includes(w))) continue;
    const whole = words.join(' ');
    const rank = name === whole ? 0 : name.startsWith(whole) ? 1 : 2;
    ranked.push({ id: el.data.id, rank });
  }
  ranked.sort((a, b) => a.rank - b.rank || a.id.localeCompare(b.id));
  return ranked.map((r) => r.id);
}
