'use client';

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="p-4">
      <h1 className="text-lg font-semibold">This page failed to render</h1>
      <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">
        {error.digest ? `Error reference ${error.digest}. ` : ''}The data API may be restarting; try again.
      </p>
      <button type="button" onClick={reset} className="mt-3 rounded border border-slate-300 px-3 py-1 text-sm dark:border-slate-600">
        Try again
      </button>
    </main>
  );
}
