/** Says what is empty and what to do about it. */
export function EmptyState({ title, children }: { title: string; children?: React.ReactNode }) {
  return (
    <div className="rounded border border-dashed border-slate-300 p-4 text-sm text-slate-600 dark:border-slate-700 dark:text-slate-300">
      <p className="font-medium text-slate-800 dark:text-slate-100">{title}</p>
      {children && <div className="mt-1">{children}</div>}
    </div>
  );
}
