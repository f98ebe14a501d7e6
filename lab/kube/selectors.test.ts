import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../world';
import { parseFieldSelector, parseLabelSelector, SelectorError } from './selectors';

const labels = { app: 'reviews', version: 'v3', tier: 'backend', replicas: '3' };

describe('parseLabelSelector', () => {
  it.each([
    ['', true],
    ['app=reviews', true],
    ['app==reviews', true],
    ['app!=reviews', false],
    ['app!=ratings', true],
    ['missing!=x', true],
    ['version in (v1, v3)', true],
    ['version in (v1,v2)', false],
    ['version notin (v1,v2)', true],
    ['missing notin (a)', true],
    ['missing in (a)', false],
    ['tier', true],
    ['!tier', false],
    ['!missing', true],
    ['replicas>2', true],
    ['replicas<2', false],
    ['app=reviews,version in (v3),!missing', true],
    ['app=reviews,version=v1', false],
  ])('%s -> %s', (selector, expected) => {
    expect(parseLabelSelector(selector)(labels)).toBe(expected);
  });

  it('treats absent labels as empty', () => {
    expect(parseLabelSelector('!app')(undefined)).toBe(true);
    expect(parseLabelSelector('app')(undefined)).toBe(false);
  });

  it('rejects what the API server rejects', () => {
    expect(() => parseLabelSelector('app in reviews')).toThrow(SelectorError);
    expect(() => parseLabelSelector('a>b')).toThrow(SelectorError);
  });
});

describe('parseFieldSelector', () => {
  const pod = {
    metadata: { name: 'ratings', namespace: 'default', uid: 'u', resourceVersion: '1', creationTimestamp: '' },
    spec: { nodeName: 'work1' },
    status: { phase: 'Pending' },
  } as KubeObject;

  it('matches = and != on the supported fields', () => {
    expect(parseFieldSelector('metadata.name=ratings,metadata.namespace==default', 'pods')(pod)).toBe(true);
    expect(parseFieldSelector('status.phase!=Running', 'pods')(pod)).toBe(true);
    expect(parseFieldSelector('spec.nodeName=work2', 'pods')(pod)).toBe(false);
  });

  it('rejects unknown fields and pod fields on other types', () => {
    expect(() => parseFieldSelector('spec.foo=x', 'pods')).toThrow('field label not supported: spec.foo');
    expect(() => parseFieldSelector('status.phase=Running', 'services')).toThrow(SelectorError);
  });
});
