/**
 * Placement that keeps what is already drawn: when the graph changes under the user (a cluster
 * expanded, a filter lifted, a workload appearing), every node drawn before keeps its position, and
 * only the new ones are laid out. The new ones keep their arrangement from the layout of the whole next
 * graph (a coherent picture among themselves) and are moved, as one block, beside what was drawn.
 */
import { nodeBounds, type Position } from './layout';

export interface PlacedNode {
  id: string;
  /** Its box (cluster, namespace) in the graph, if any. */
  parent?: string;
  /** Where the layout of the whole next graph puts it. */
  position: Position;
  /** Size of a drawn box (the flat drawing's clusters and namespaces); leaves have none. */
  w?: number;
  h?: number;
}

export interface DrawnNode {
  position: Position;
  parent?: string;
  w?: number;
  h?: number;
}

/** Room between what was drawn and the block of new nodes. */
export const PLACEMENT_GAP = 120;

/**
 * Positions for `next`: a node drawn before keeps its position (same id in the same box; a box only at
 * the same size, its content unchanged, while a box that collapsed into one node keeps its centre); the others are moved together so that their block starts PLACEMENT_GAP
 * right of what is kept, top-aligned with it. With nothing kept, the layout's own positions.
 */
export function keepPositions(next: readonly PlacedNode[], drawn: ReadonlyMap<string, DrawnNode>): Record<string, Position> {
  const kept: PlacedNode[] = [];
  const moved: PlacedNode[] = [];
  for (const n of next) {
    const before = drawn.get(n.id);
    // In the same box: a leaf now (a box collapsed into its node included) keeps its centre, a box only at its old size.
    const fits = before !== undefined && before.parent === n.parent && (n.w === undefined || (before.w === n.w && before.h === n.h));
    if (before && fits) kept.push({ ...n, position: before.position });
    else moved.push(n);
  }
  const out: Record<string, Position> = {};
  for (const n of kept) out[n.id] = { ...n.position };
  const keptBounds = nodeBounds(kept);
  const movedBounds = nodeBounds(moved);
  const dx = keptBounds && movedBounds ? keptBounds.x2 + PLACEMENT_GAP - movedBounds.x1 : 0;
  const dy = keptBounds && movedBounds ? keptBounds.y1 - movedBounds.y1 : 0;
  for (const n of moved) out[n.id] = { x: n.position.x + dx, y: n.position.y + dy };
  return out;
}
