import 'server-only';
import { headers } from 'next/headers';
import type { Registry } from '../k8s/registry';
import { loadAuthConfig, type Identity } from './config';
import { decodeIdentity, IDENTITY_HEADER } from './gate';
import { registryFor } from './impersonation';

/** The signed-in person proxy.ts let through, or null (no sign-in, or outside a request: tests). */
export async function requestIdentity(): Promise<Identity | null> {
  try {
    return decodeIdentity((await headers()).get(IDENTITY_HEADER));
  } catch {
    return null;
  }
}

/**
 * The registry this request may use: under --impersonate, the clusters as the signed-in person sees
 * them; null when impersonation is on and nobody is signed in (never fall back to Isthmus' own view).
 */
export async function viewerRegistry(registry: Registry): Promise<Registry | null> {
  const view = await viewerView();
  return view && view(registry);
}

/** The same as a function, for work that outlives the request's scope (the event stream re-reads the registry). */
export async function viewerView(): Promise<((registry: Registry) => Registry) | null> {
  if (!loadAuthConfig().impersonate) return (registry) => registry;
  const identity = await requestIdentity();
  return identity ? (registry) => registryFor(registry, identity) : null;
}
