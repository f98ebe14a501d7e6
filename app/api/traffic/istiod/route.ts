import { json, withRegistry } from '@/server/http';
import { getIstiodHistory } from '@/server/traffic';
import { historyRange, trafficWindow } from '@/server/traffic-params';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** GET /api/traffic/istiod?window=&range=: each cluster's istiod replicas over time (docs/api.md). */
export function GET(request: Request): Promise<Response> {
  return withRegistry(async (registry) => {
    const url = new URL(request.url);
    return json(await getIstiodHistory(registry, trafficWindow(url), historyRange(url)));
  });
}
