import { json, withRegistry } from '@/server/http';
import { getTrafficLatency } from '@/server/traffic';
import { latencyBy, trafficWindow } from '@/server/traffic-params';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** GET /api/traffic/latency?window=5m[&by=pair]: latency percentiles per flow and per cluster pair, or per pair alone (docs/api.md). */
export function GET(request: Request): Promise<Response> {
  return withRegistry(async (registry) => {
    const url = new URL(request.url);
    return json(await getTrafficLatency(registry, trafficWindow(url), latencyBy(url)));
  });
}
