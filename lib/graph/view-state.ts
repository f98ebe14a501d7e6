/**
 * The topology view's state as it lives in the URL, so a link reproduces what a colleague sees:
 * `level` and `in` (the level and the one cluster the server draws in detail), repeated `cluster`, `ns`,
 * `hide` parameters, `layout`, `sel` (selected node id), `q` (find), `w` (the
 * traffic window), `idle=hide` (edges without traffic hidden) and `view=cross` (cross-cluster only).
 */
import { DEFAULT_TRAFFIC_WINDOW, TRAFFIC_WINDOWS, type TrafficWindow } from '../types/traffic';
import type { GraphFilter } from './elements';

export const LAYOUT_NAMES = ['auto', 'fcose', 'boxes', 'breadthfirst', 'grid', 'concentric', 'cose'] as const;
export type LayoutName = (typeof LAYOUT_NAMES)[number];

export const VIEW_LEVELS = ['auto', 'clusters', 'namespaces', 'workloads'] as const;
export type ViewLevel = (typeof VIEW_LEVELS)[number];

export interface ViewState extends GraphFilter {
  /** The level the server aggregates to ('auto': the most detailed that fits about 2,000 nodes). */
  level: ViewLevel;
  /** One cluster in detail (the server's cluster= scope), null for all. */
  scope: string | null;
  layout: LayoutName;
  selected: string | null;
  find: string;
  window: TrafficWindow;
  hideIdle: boolean;
  crossOnly: boolean;
}

export const DEFAULT_VIEW: ViewState = { level: 'auto', scope: null, clusters: [], namespaces: [], hiddenNamespaces: [], layout: 'auto', selected: null, find: '', window: DEFAULT_TRAFFIC_WINDOW, hideIdle: false, crossOnly: false };

function isLayoutName(s: string | null): s is LayoutName {
  return s !== null && (LAYOUT_NAMES as readonly string[]).includes(s);
}

export function parseViewState(params: Pick<URLSearchParams, 'get' | 'getAll'>): ViewState {
  const layout = params.get('layout');
  const level = params.get('level');
  return {
    level: (VIEW_LEVELS as readonly string[]).includes(level ?? '') ? (level as ViewLevel) : 'auto',
    scope: params.get('in') || null,
    clusters: params.getAll('cluster'),
    namespaces: params.getAll('ns'),
    hiddenNamespaces: params.getAll('hide'),
    layout: isLayoutName(layout) ? layout : 'auto',
    selected: params.get('sel') || null,
    find: params.get('q') ?? '',
    window: (TRAFFIC_WINDOWS as readonly string[]).includes(params.get('w') ?? '') ? (params.get('w') as TrafficWindow) : DEFAULT_TRAFFIC_WINDOW,
    hideIdle: params.get('idle') === 'hide',
    crossOnly: params.get('view') === 'cross',
  };
}

/** The query string (without "?") for a state; defaults are left out to keep links short. */
export function viewStateQuery(state: ViewState): string {
  const params = new URLSearchParams();
  if (state.level !== 'auto') params.set('level', state.level);
  if (state.scope) params.set('in', state.scope);
  for (const c of state.clusters) params.append('cluster', c);
  for (const ns of state.namespaces) params.append('ns', ns);
  for (const ns of state.hiddenNamespaces) params.append('hide', ns);
  if (state.layout !== 'auto') params.set('layout', state.layout);
  if (state.selected) params.set('sel', state.selected);
  if (state.find) params.set('q', state.find);
  if (state.window !== DEFAULT_TRAFFIC_WINDOW) params.set('w', state.window);
  if (state.hideIdle) params.set('idle', 'hide');
  if (state.crossOnly) params.set('view', 'cross');
  return params.toString();
}

/** Adds or removes `value` in a list, keeping order stable. */
export function toggle(list: readonly string[], value: string): string[] {
  return list.includes(value) ? list.filter((v) => v !== value) : [...list, value];
}
