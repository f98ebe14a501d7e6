'use client';

import { Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

/** Small recharts line charts of [unix seconds, value] series, one line per key. */

export const COLOURS = ['#2563eb', '#db2777', '#059669', '#d97706', '#7c3aed', '#0891b2'];

function clock(t: number): string {
  return new Date(t * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

export interface ChartLine {
  key: string;
  points: Array<[number, number]>;
}

export function TimeChart({ title, lines, unit, testId }: { title: string; lines: ChartLine[]; unit: string; testId?: string }) {
  const byTime = new Map<number, Record<string, number>>();
  for (const l of lines) for (const [t, v] of l.points) byTime.set(t, { ...(byTime.get(t) ?? { t }), [l.key]: v });
  const data = [...byTime.values()].sort((a, b) => a.t - b.t);
  const format = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(1) : v.toFixed(2));
  return (
    <figure className="min-w-0" data-testid={testId} data-lines={lines.length}>
      <figcaption className="text-[11px] text-slate-500 dark:text-slate-400">
        {title} <span className="opacity-75">({unit})</span>
      </figcaption>
      {lines.length === 0 ? (
        <p className="flex h-24 items-center justify-center text-[11px] text-slate-400">no data in this range</p>
      ) : (
        <div className="h-24">
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={data} margin={{ top: 4, right: 4, bottom: 0, left: -16 }}>
              <XAxis dataKey="t" type="number" domain={['dataMin', 'dataMax']} tickFormatter={clock} tick={{ fontSize: 9 }} minTickGap={40} />
              <YAxis tick={{ fontSize: 9 }} width={40} tickFormatter={format} domain={[0, (max: number) => (max > 0 ? max : 1)]} />
              <Tooltip labelFormatter={(t) => clock(Number(t))} formatter={(v) => format(Number(v))} contentStyle={{ fontSize: 11 }} />
              <Legend wrapperStyle={{ fontSize: 10 }} iconSize={8} />
              {lines.map((l, i) => (
                <Line key={l.key} dataKey={l.key} name={l.key} stroke={COLOURS[i % COLOURS.length]} strokeDasharray={i % 2 ? '4 2' : undefined} dot={data.length <= 2} isAnimationActive={false} connectNulls={false} />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </div>
      )}
    </figure>
  );
}
