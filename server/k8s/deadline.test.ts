import https from 'node:https';
import { describe, expect, it } from 'vitest';
import { HttpMethod, RequestContext } from '@kubernetes/client-node';
import { keepAliveAgent } from './agents';
import { createDeadline, DeadlineExceeded, optionalSourceDeadline, signalOptions, withDeadline } from './deadline';

describe('deadlines', () => {
  it('withDeadline rejects at the deadline even when the work ignores the signal', async () => {
    const started = Date.now();
    await expect(withDeadline(createDeadline(100), () => new Promise(() => {}))).rejects.toBeInstanceOf(DeadlineExceeded);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('an optional source gets a shorter deadline inside its cluster’s', () => {
    const cluster = createDeadline(2000);
    const optional = optionalSourceDeadline(cluster);
    expect(optional.expiresAt).toBeLessThan(cluster.expiresAt);
    expect(optional.expiresAt).toBeGreaterThan(Date.now() + 1000);
  });

  it('the call middleware attaches the signal and a shared keep-alive agent (as an Observable)', async () => {
    const d = createDeadline(1000);
    const options = signalOptions(d.signal);
    const ctx = new RequestContext('https://127.0.0.1:6443/api/v1/pods', HttpMethod.GET);
    ctx.setAgent(new https.Agent({ ca: 'CA-1' }));
    const out = await options.middleware![0].pre(ctx).toPromise();
    expect(out.getSignal()).toBe(d.signal);
    const agent = out.getAgent() as https.Agent;
    expect((agent as unknown as { keepAlive: boolean }).keepAlive).toBe(true);
    // Same TLS identity → same agent; another CA → another agent.
    expect(keepAliveAgent(new https.Agent({ ca: 'CA-1' }))).toBe(agent);
    expect(keepAliveAgent(new https.Agent({ ca: 'CA-2' }))).not.toBe(agent);
  });
});
