'use client';

import { useDraft } from '@/lib/hooks/use-draft';
import { ENDPOINT_STATUSES, type EndpointFilters } from '@/lib/ui/endpoints';
import { controlClass, fieldLabelClass } from '@/lib/ui/classes';


/** istioctl's --cluster, --port, --status and --address filters; the parent keeps them in the URL. */
export function EndpointFiltersForm({
  filters,
  envoyClusters,
  grouped,
  onChange,
  onGroupedChange,
}: {
  filters: EndpointFilters;
  envoyClusters: string[];
  grouped: boolean;
  onChange: (patch: Partial<EndpointFilters>) => void;
  onGroupedChange: (grouped: boolean) => void;
}) {
  const any = Object.values(filters).some((v) => v !== '');
  const [cluster, setCluster, flushCluster] = useDraft(filters.cluster, (v) => onChange({ cluster: v }));
  const [port, setPort, flushPort] = useDraft(filters.port, (v) => onChange({ port: v }));
  const [address, setAddress, flushAddress] = useDraft(filters.address, (v) => onChange({ address: v }));
  return (
    <form role="search" aria-label="Endpoint filters" className="flex flex-wrap items-end gap-3" onSubmit={(e) => e.preventDefault()}>
      <label className={fieldLabelClass}>
        Envoy cluster
        <input
          className={`${controlClass} w-[26rem] font-mono text-xs`}
          list="envoy-clusters"
          placeholder="e.g. outbound|9080||reviews…"
          value={cluster}
          onChange={(e) => setCluster(e.target.value)}
          onBlur={flushCluster}
          data-testid="filter-cluster"
        />
        <datalist id="envoy-clusters">
          {envoyClusters.map((c) => (
            <option key={c} value={c} />
          ))}
        </datalist>
      </label>
      <label className={fieldLabelClass}>
        Port
        <input className={`${controlClass} w-24`} inputMode="numeric" pattern="[0-9]*" placeholder="e.g. 9080" value={port} onChange={(e) => setPort(e.target.value.replace(/\D/g, ''))} onBlur={flushPort} data-testid="filter-port" />
      </label>
      <label className={fieldLabelClass}>
        Status
        <select className={controlClass} value={filters.status} onChange={(e) => onChange({ status: e.target.value })} data-testid="filter-status">
          <option value="">any</option>
          {ENDPOINT_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label className={fieldLabelClass}>
        Address
        <input className={`${controlClass} w-40 font-mono text-xs`} placeholder="e.g. 10.244.0.7" value={address} onChange={(e) => setAddress(e.target.value.trim())} onBlur={flushAddress} data-testid="filter-address" />
      </label>
      <label className="flex items-center gap-1.5 pb-1.5 text-sm">
        <input type="checkbox" checked={grouped} onChange={(e) => onGroupedChange(e.target.checked)} data-testid="filter-group" />
        Group by Envoy cluster
      </label>
      {any && (
        <button type="button" className="mb-1 text-xs underline" onClick={() => onChange({ cluster: '', port: '', status: '', address: '' })}>
          clear filters
        </button>
      )}
    </form>
  );
}
