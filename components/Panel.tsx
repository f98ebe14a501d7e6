/** A titled section of a page; `actions` sit at the right of the title line. */
export function Panel({ title, actions, children, className = '', id }: { title: string; actions?: React.ReactNode; children: React.ReactNode; className?: string; id?: string }) {
  const headingId = id ? `${id}-title` : undefined;
  return (
    <section aria-labelledby={headingId} id={id} className={`rounded-lg border border-slate-200 bg-white p-2.5 dark:border-slate-800 dark:bg-slate-900 ${className}`}>
      <div className="mb-1.5 flex items-center justify-between gap-2">
        <h2 id={headingId} className="text-sm font-semibold text-slate-700 dark:text-slate-200">
          {title}
        </h2>
        {actions && <div className="flex items-center gap-2">{actions}</div>}
      </div>
      {children}
    </section>
  );
}
