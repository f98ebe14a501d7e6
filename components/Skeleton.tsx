/** Grey placeholder blocks while the first answer is on its way. */
export function Skeleton({ className = 'h-4 w-full', label }: { className?: string; label?: string }) {
  return <div role="status" aria-label={label ?? 'loading'} className={`animate-pulse rounded bg-slate-200 dark:bg-slate-800 ${className}`} />;
}

export function SkeletonRows({ rows = 4, label }: { rows?: number; label?: string }) {
  return (
    <div className="space-y-2" role="status" aria-label={label ?? 'loading'}>
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="h-4 animate-pulse rounded bg-slate-200 dark:bg-slate-800" />
      ))}
    </div>
  );
}
