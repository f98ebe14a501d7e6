import { describe, expect, it } from 'vitest';
import { DEFAULT_VIEW, parseViewState, toggle, viewStateQuery, type ViewState } from './view-state';

describe('view state in the URL', () => {
  it('round-trips through the query string', () => {
    const state: ViewState = {
      level: 'namespaces',
      scope: 'cluster2-admin@cluster2',
      clusters: ['cluster1-admin@cluster1', 'cluster2-admin@cluster2'],
      namespaces: ['default'],
      hiddenNamespaces: ['istio-system', 'kube-system'],
      layout: 'grid',
      selected: 'svc:cluster2-admin@cluster2:default:ratings',
      find: 'ratings',
      window: '1m',
      hideIdle: true,
      crossOnly: true,
    };
    expect(parseViewState(new URLSearchParams(viewStateQuery(state)))).toEqual(state);
  });
  it('leaves defaults out and ignores unknown layouts', () => {
    expect(viewStateQuery(DEFAULT_VIEW)).toBe('');
    expect(parseViewState(new URLSearchParams('layout=bogus&w=2m&level=pods'))).toEqual(DEFAULT_VIEW);
  });
  it('toggles list members', () => {
    expect(toggle(['a', 'b'], 'a')).toEqual(['b']);
    expect(toggle(['a'], 'b')).toEqual(['a', 'b']);
  });
});
