'use client';

import type { TopologyNode, TopologyResponse } from '@/lib/types/api';
import { VIEW_LEVELS, type ViewLevel } from '@/lib/graph/view-state';
import { nodeName } from '@/lib/topology/node-name';

const LABELS: Record<ViewLevel, string> = { auto: 'Most detailed that fits', clusters: 'Clusters', namespaces: 'Namespaces', workloads: 'Workloads' };

/**
 * The level the server draws (clusters, namespaces, workloads; by default the most detailed that fits
 * about 2,000 nodes), and the one cluster drawn in detail: a selected cluster node that stands for more
 * than it shows can be expanded, and the page gets back to every cluster from here.
 */
export function LevelControl(props: {
  level: ViewLevel;
  scope: string | null;
  topology: TopologyResponse | undefined;
  selectedNode: TopologyNode | null;
  className: string;
  onChange(patch: { level?: ViewLevel; scope?: string | null; selected?: string | null }): void;
}) {
  const { level, scope, topology, selectedNode, className, onChange } = props;
  const sizes = topology?.levelSizes ?? {};
  const expandable = selectedNode?.kind === 'cluster' && (selectedNode.outside || (topology?.level !== 'workloads' && selectedNode.cluster !== scope));
  return (
    <>
      <label className="flex items-center gap-1 text-sm">
        <span>Level</span>
        <select value={level} onChange={(e) => onChange({ level: e.target.value as ViewLevel })} className={className} data-testid="topology-level" data-level={topology?.level}>
          {VIEW_LEVELS.map((l) => (
            <option key={l} value={l}>
              {l === 'auto' ? `${LABELS.auto}${topology?.level && level === 'auto' ? ` (${topology.level})` : ''}` : `${LABELS[l]}${sizes[l] !== undefined ? ` (${sizes[l]} nodes)` : ''}`}
            </option>
          ))}
        </select>
      </label>
      {expandable && (
        <button type="button" className={className} onClick={() => onChange({ scope: selectedNode.cluster, level: 'auto', selected: null })} data-testid="expand-cluster">
          Expand {nodeName(selectedNode)}
        </button>
      )}
      {scope && (
        <button type="button" className={className} onClick={() => onChange({ scope: null, level: 'auto', selected: null })} data-testid="all-clusters">
          All clusters
        </button>
      )}
    </>
  );
}
