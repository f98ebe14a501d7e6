import { json, withRegistry } from '@/server/http';
import { getTrafficHistory } from '@/server/traffic';
import { historyRange, historyTarget, trafficWindow } from '@/server/traffic-params';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** GET /api/traffic/history?scope=workload|service|pod&cluster=&namespace=&name=&window=&range=: chart lines (docs/api.md). */
export function GET(request: Request): Promise<Response> {
  return withRegistry(async (registry) => {
    const url = new URL(request.url);
    return json(await getTrafficHistory(registry, await historyTarget(registry, url), trafficWindow(url), historyRange(url)));
  });
}
