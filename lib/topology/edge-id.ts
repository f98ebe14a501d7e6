import type { TopologyEdge } from '../types/api';

/**
 * An edge's id, derived from what it joins: the wire carries none (at a fleet's workloads level the ids
 * were a fifth of the answer's bytes). A workload-level edge is "<source>-><target>" (one per pair: its
 * kind follows from the two clusters' networks); an aggregated edge (it has `count`) may join the same
 * pair in several kinds, so its id ends ":<kind>".
 */
export function edgeId(e: Pick<TopologyEdge, 'source' | 'target' | 'kind' | 'count'>): string {
  return e.count === undefined ? `${e.source}->${e.target}` : `${e.source}->${e.target}:${e.kind}`;
}
