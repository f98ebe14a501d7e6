/** Tailwind class strings shared by the dashboard's forms and tables, so they look alike everywhere. */
export const controlClass = 'rounded border border-slate-300 bg-white px-2 py-1 text-sm placeholder:italic placeholder:text-slate-400 dark:border-slate-600 dark:bg-slate-900 dark:placeholder:text-slate-500';
export const fieldLabelClass = 'flex flex-col text-xs text-slate-600 dark:text-slate-300';
export const headerCellClass = 'px-2 py-1 text-left font-medium text-slate-500 dark:text-slate-400';
