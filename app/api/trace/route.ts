import { isServiceHost, parseTraceParams, qualifyHost } from '@/lib/trace/params';
import { BadRequest, configuredCluster, json, withRegistry } from '@/server/http';
import { getTrace } from '@/server/trace';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** GET /api/trace?from=<cluster>/<namespace>/<pod>&to=<host>:<port> */
export function GET(request: Request): Promise<Response> {
  return withRegistry(async (registry) => {
    const url = new URL(request.url);
    let params;
    try {
      params = parseTraceParams(url.searchParams.get('from'), url.searchParams.get('to'));
    } catch (e) {
      throw new BadRequest(e instanceof Error ? e.message : 'invalid parameters');
    }
    const host = qualifyHost(params.host, params.namespace);
    if (!isServiceHost(host)) throw new BadRequest(`to must name a Kubernetes service (<name>.<namespace>.svc.<domain>), got "${host}"`);
    const cluster = await configuredCluster(registry, params.cluster);
    return json(await getTrace(registry, { cluster, namespace: params.namespace, pod: params.pod, host, port: params.port }));
  });
}
