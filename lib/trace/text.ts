/** The trace as plain text for a ticket: verdict first, then the chain column by column, then every problem. */
import type { TraceResponse } from './types';

export function traceText(t: TraceResponse): string {
  const lines: string[] = [];
  const s = t.source;
  lines.push(`Trace ${s.namespace}/${s.pod} (${s.clusterId ?? s.cluster}, ${s.network ?? 'network unknown'}) -> ${t.target.host}:${t.target.port}`);
  lines.push(`Verdict: ${t.verdict.sentence}`, '');
  lines.push('Expected (EndpointSlices):');
  for (const c of t.expected) {
    const head = `  ${c.clusterId ?? c.cluster} [${c.network ?? '?'}]`;
    if (c.state !== 'ok') lines.push(`${head}: ${c.state}${c.reason ? ` (${c.reason})` : ''}`);
    else lines.push(`${head}: ${c.endpoints.map((e) => `${e.pod ?? e.ip} ${e.ip}:${e.port}${e.ready ? '' : ' not ready'}`).join(', ') || 'no endpoints'}`);
  }
  lines.push(`Control plane (istiod of ${t.controlPlane.cluster}${t.controlPlane.edsStatus ? `, source EDS ${t.controlPlane.edsStatus}` : ''}):`);
  if (t.controlPlane.state === 'unknown') lines.push(`  unknown (${t.controlPlane.reason})`);
  for (const r of t.controlPlane.replicas) {
    const shards = r.shards.map((x) => `${x.clusterId} ${x.read} ${x.endpoints}${x.expected !== null ? `/${x.expected}` : ''}${x.mismatch ? ' MISMATCH' : ''}`).join('; ');
    lines.push(`  ${r.pod}${r.servesSource ? ' (serves the source)' : ''}: ${r.state === 'ok' ? shards : `unknown (${r.reason})`}`);
  }
  lines.push(`Data plane (Envoy ${t.dataPlane.envoyCluster}):`);
  if (t.dataPlane.state !== 'ok') lines.push(`  ${t.dataPlane.state}${t.dataPlane.reason ? ` (${t.dataPlane.reason})` : ''}`);
  for (const c of t.dataPlane.clusters) {
    lines.push(`  ${c.name}: ${c.hosts.map((h) => `${h.address}${h.port !== null ? `:${h.port}` : ''} ${h.health}${h.outlierEjected ? ' EJECTED' : ''} w${h.weight} -> ${h.target}`).join(', ') || 'zero endpoints'}`);
  }
  if (t.dataPlane.route) lines.push(`  route ${t.dataPlane.route.routeConfig} ${t.dataPlane.route.virtualHost}: ${t.dataPlane.route.destinations.map((d) => `${d.cluster} ${d.weight}%`).join(', ')}`);
  lines.push('Path:');
  for (const p of t.paths) lines.push(`  ${p.pod ?? p.ip} (${p.cluster}): ${p.via}${p.gateway ? ` ${p.gateway}` : ''} ${p.ok ? 'ok' : 'BROKEN'}: ${p.reason}`);
  if (t.config.length) {
    lines.push('Configuration in the way:');
    for (const c of t.config) lines.push(`  ${c.kind} ${c.namespace}/${c.name} (${c.cluster}): ${c.summary}${c.problem ? ' PROBLEM' : ''}`);
  }
  if (t.problems.length) {
    lines.push('Problems:');
    for (const p of t.problems) lines.push(`  [${p.severity}] ${p.check}: ${p.message}`);
  }
  lines.push('', `Generated ${t.generatedAt} by Isthmus`);
  return lines.join('\n') + '\n';
}
