import { getPods } from '@/server/pods';
import { configuredCluster, json, validNamespace, withRegistry } from '@/server/http';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** GET /api/clusters/{cluster}/pods[?namespace=]: pods for the pod picker. */
export function GET(request: Request, { params }: { params: Promise<{ cluster: string }> }): Promise<Response> {
  return withRegistry(async (registry) => {
    const cluster = await configuredCluster(registry, (await params).cluster);
    const ns = new URL(request.url).searchParams.get('namespace');
    return json(await getPods(registry, cluster, ns ? validNamespace(ns) : null));
  });
}
