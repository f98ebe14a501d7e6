/**
 * The topology view's state as it lives in the URL, so a link reproduces what a colleague sees:
 * repeated `cluster`, `ns`, `hide` parameters, `layout`, `sel` (selected node id) and `q` (find).
 */
import type { GraphFilter } from './elements';

export const LAYOUT_NAMES = ['auto', 'fcose', 'boxes', 'breadthfirst', 'grid', 'concentric', 'cose'] as const;
export type LayoutName = (typeof LAYOUT_NAMES)[number];

export interface ViewState extends GraphFilter {
  layout: LayoutName;
  selected: string | null;
  find: string;
}

export const DEFAULT_VIEW: ViewState = { clusters: [], namespaces: [], hiddenNamespaces: [], layout: 'auto', selected: null, find: '' };

function isLayoutName(s: string | null): s is LayoutName {
  return s !== null && (LAYOUT_NAMES as readonly string[]).includes(s);
}

export function parseViewState(params: Pick<URLSearchParams, 'get' | 'getAll'>): ViewState {
  const layout = params.get('layout');
  return {
    clusters: params.getAll('cluster'),
    namespaces: params.getAll('ns'),
    hiddenNamespaces: params.getAll('hide'),
    layout: isLayoutName(layout) ? layout : 'auto',
    selected: params.get('sel') || null,
    find: params.get('q') ?? '',
  };
}

/** The query string (without "?") for a state; defaults are left out to keep links short. */
export function viewStateQuery(state: ViewState): string {
  const params = new URLSearchParams();
  for (const c of state.clusters) params.append('cluster', c);
  for (const ns of state.namespaces) params.append('ns', ns);
  for (const ns of state.hiddenNamespaces) params.append('hide', ns);
  if (state.layout !== 'auto') params.set('layout', state.layout);
  if (state.selected) params.set('sel', state.selected);
  if (state.find) params.set('q', state.find);
  return params.toString();
}

/** Adds or removes `value` in a list, keeping order stable. */
export function toggle(list: readonly string[], value: string): string[] {
  return list.includes(value) ? list.filter((v) => v !== value) : [...list, value];
}
