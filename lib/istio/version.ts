/** Istio versions from container images (istiod `pilot`, sidecar/gateway `proxyv2`). */

/** Image variant suffixes Istio publishes next to the plain tag. */
const VARIANT_SUFFIX = /-(distroless|debug)$/;

/**
 * The Istio version in an image reference's tag: "docker.io/istio/pilot:1.21.2" → "1.21.2",
 * "gcr.io/istio-release/pilot:1.22.0-distroless" → "1.22.0", "localhost:5000/istio/pilot:1.23.1" →
 * "1.23.1". Null when there is no tag (digest-only or untagged) or the tag is "latest".
 */
export function istioVersionFromImage(image: unknown): string | null {
  if (typeof image !== 'string' || !image) return null; // the field comes from the cluster: any type
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  if (colon < 0) return null;
  const tag = withoutDigest.slice(colon + 1).replace(VARIANT_SUFFIX, '');
  return tag !== '' && tag !== 'latest' ? tag : null;
}
