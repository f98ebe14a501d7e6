import { json, withRegistry } from '@/server/http';
import { getTrafficLatency } from '@/server/traffic';
import { trafficWindow } from '@/server/traffic-params';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** GET /api/traffic/latency?window=5m: latency percentiles per flow and per cluster pair (docs/api.md). */
export function GET(request: Request): Promise<Response> {
  return withRegistry(async (registry) => json(await getTrafficLatency(registry, trafficWindow(new URL(request.url)))));
}
