import { SEVERITIES, type Severity } from '@/lib/checks/types';
import { getChecks } from '@/server/checks';
import { BadRequest, json, withRegistry } from '@/server/http';
import { selectClusters } from '@/server/mesh';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** GET /api/checks[?cluster=<context>][&severity=error|warning|info]: the mesh checks' findings (docs/api.md). */
export function GET(request?: Request): Promise<Response> {
  const params = request ? new URL(request.url).searchParams : new URLSearchParams();
  return withRegistry(async (registry) => {
    // A context or an Istio cluster ID (unknown: 400); findings name clusters by context.
    const [selected] = params.get('cluster') ? await selectClusters(registry, params.get('cluster')) : [];
    const cluster = selected?.name ?? null;
    const severity = params.get('severity');
    if (severity && !SEVERITIES.includes(severity as Severity)) throw new BadRequest(`severity must be one of ${SEVERITIES.join(', ')}, got "${severity.slice(0, 40)}"`);
    return json(await getChecks(registry, { cluster, severity: (severity || null) as Severity | null }));
  });
}
