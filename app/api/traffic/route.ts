import { json, withRegistry } from '@/server/http';
import { getTraffic } from '@/server/traffic';
import { trafficP99, trafficWindow } from '@/server/traffic-params';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** GET /api/traffic?window=5m[&p99=pair]: flows and the cluster-to-cluster matrix from each cluster's Prometheus (docs/api.md). */
export function GET(request: Request): Promise<Response> {
  return withRegistry(async (registry) => {
    const url = new URL(request.url);
    return json(await getTraffic(registry, trafficWindow(url), trafficP99(url)));
  });
}
