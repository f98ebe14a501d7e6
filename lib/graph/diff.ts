/**
 * Element diff between what the canvas shows and the next data. A refresh that only changes labels
 * or classes (pod counts, readiness, a pending IP) updates in place and keeps the layout; only added
 * or removed elements (or a node moving to another parent) call for a new layout.
 */
import type { GraphElement } from './elements';

export interface ElementDiff {
  added: GraphElement[];
  removed: string[];
  /** Same id and parent, different label, classes or edge data. */
  updated: GraphElement[];
  /** True when the set of elements changed, so positions must be recomputed. */
  structural: boolean;
}

function sameElement(a: GraphElement, b: GraphElement): boolean {
  return a.classes === b.classes && JSON.stringify(a.data) === JSON.stringify(b.data);
}

function sameSkeleton(a: GraphElement, b: GraphElement): boolean {
  if (a.group !== b.group) return false;
  if (a.group === 'nodes' && b.group === 'nodes') return a.data.parent === b.data.parent;
  if (a.group === 'edges' && b.group === 'edges') return a.data.source === b.data.source && a.data.target === b.data.target;
  return false;
}

export function diffElements(current: ReadonlyMap<string, GraphElement>, next: readonly GraphElement[]): ElementDiff {
  const added: GraphElement[] = [];
  const updated: GraphElement[] = [];
  const removed: string[] = [];
  const nextIds = new Set<string>();
  for (const el of next) {
    nextIds.add(el.data.id);
    const before = current.get(el.data.id);
    if (!before) {
      added.push(el);
    } else if (!sameSkeleton(before, el)) {
      // Cytoscape cannot re-parent or re-wire in place without side effects on layout: replace.
      removed.push(el.data.id);
      added.push(el);
    } else if (!sameElement(before, el)) {
      updated.push(el);
    }
  }
  for (const id of current.keys()) if (!nextIds.has(id)) removed.push(id);
  return { added, removed, updated, structural: added.length > 0 || removed.length > 0 };
}
