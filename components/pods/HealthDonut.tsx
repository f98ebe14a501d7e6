'use client';

import { Cell, Pie, PieChart, ResponsiveContainer, Tooltip } from 'recharts';
import type { EndpointRow } from '@/lib/types/api';
import { healthMix } from '@/lib/ui/endpoints';

const COLOUR: Record<string, string> = {
  HEALTHY: '#059669',
  UNHEALTHY: '#dc2626',
  'OUTLIER FAILED': '#991b1b',
  DRAINING: '#d97706',
  DEGRADED: '#ca8a04',
  TIMEOUT: '#b91c1c',
  UNKNOWN: '#64748b',
};

/** The endpoint health mix of the selected pod (loaded lazily: recharts is large). */
export default function HealthDonut({ rows }: { rows: EndpointRow[] }) {
  const data = healthMix(rows);
  return (
    <figure className="flex items-center gap-2" data-testid="health-donut">
      <div className="h-16 w-16">
        <ResponsiveContainer width="100%" height="100%">
          <PieChart>
            <Pie data={data} dataKey="value" nameKey="name" innerRadius={18} outerRadius={30} isAnimationActive={false} stroke="none">
              {data.map((d) => (
                <Cell key={d.name} fill={COLOUR[d.name] ?? '#64748b'} />
              ))}
            </Pie>
            <Tooltip contentStyle={{ fontSize: 11 }} />
          </PieChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="text-xs">
        <span className="font-semibold text-slate-600 dark:text-slate-300">Health mix</span>
        <ul>
          {data.map((d) => (
            <li key={d.name} className="flex items-center gap-1">
              <span aria-hidden="true" className="inline-block h-2 w-2 rounded-sm" style={{ background: COLOUR[d.name] ?? '#64748b' }} />
              {d.name}: {d.value}
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}
