import { describe, expect, it } from 'vitest';
import { isServiceHost, parseTraceParams, qualifyHost, traceHref } from './params';

describe('trace parameters', () => {
  it('splits from= from the right, so a context may contain slashes', () => {
    expect(parseTraceParams('arn:aws:eks:eu-west-1:1:cluster/prod/default/web-1', 'reviews:9080')).toEqual({ cluster: 'arn:aws:eks:eu-west-1:1:cluster/prod', namespace: 'default', pod: 'web-1', host: 'reviews', port: 9080 });
  });

  it('refuses what is malformed', () => {
    expect(() => parseTraceParams(null, 'a:1')).toThrow(/from is required/);
    expect(() => parseTraceParams('c/ns/p', null)).toThrow(/to is required/);
    expect(() => parseTraceParams('ns/p', 'a:1')).toThrow(/<cluster>\/<namespace>\/<pod>/);
    expect(() => parseTraceParams('c/Bad/p', 'a:1')).toThrow(/invalid namespace/);
    expect(() => parseTraceParams('c/ns/p', 'a')).toThrow(/<host>:<port>/);
    expect(() => parseTraceParams('c/ns/p', 'a:0')).toThrow(/invalid port/);
    expect(() => parseTraceParams('c/ns/p', 'a_b:80')).toThrow(/invalid host/);
  });

  it('qualifies a host as Kubernetes DNS does', () => {
    expect(qualifyHost('helloworld', 'sample')).toBe('helloworld.sample.svc.cluster.local');
    expect(qualifyHost('reviews.default', 'sample')).toBe('reviews.default.svc.cluster.local');
    expect(qualifyHost('reviews.default.svc', 'x')).toBe('reviews.default.svc.cluster.local');
    expect(qualifyHost('reviews.default.svc.corp.example', 'x')).toBe('reviews.default.svc.corp.example');
    expect(isServiceHost('www.example.com')).toBe(false);
  });

  it('builds the page link', () => {
    expect(traceHref('cluster1-admin@cluster1', 'sample', 'sleep-1', 'helloworld.sample.svc.cluster.local', 5000)).toBe(
      '/trace?from=cluster1-admin%40cluster1%2Fsample%2Fsleep-1&to=helloworld.sample.svc.cluster.local%3A5000',
    );
  });
});
