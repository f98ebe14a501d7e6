'use client';

import { useState } from 'react';
import { fetchText } from '@/lib/hooks/fetch-json';
import { copyText } from '@/lib/ui/clipboard';

type CopyState = { kind: 'idle' } | { kind: 'busy' } | { kind: 'copied' } | { kind: 'failed'; text: string | null; message: string };

/**
 * Fetches istioctl's text table from an `?output=table` route and copies it.
 * When the clipboard is refused, the text is shown selectable so it can be copied by hand.
 */
export function CopyTableButton({ url, label }: { url: string; label: string }) {
  const [state, setState] = useState<CopyState>({ kind: 'idle' });

  async function copy() {
    setState({ kind: 'busy' });
    let text: string;
    try {
      text = await fetchText(url);
    } catch (e) {
      setState({ kind: 'failed', text: null, message: e instanceof Error ? e.message : 'could not fetch the table' });
      return;
    }
    if (await copyText(text)) {
      setState({ kind: 'copied' });
      window.setTimeout(() => setState({ kind: 'idle' }), 2000);
    } else {
      setState({ kind: 'failed', text, message: 'Clipboard refused: select and copy the text below.' });
    }
  }

  return (
    <span className="relative inline-flex items-center gap-1">
      <button
        type="button"
        onClick={copy}
        disabled={state.kind === 'busy'}
        className="rounded border border-slate-300 px-1.5 py-0.5 text-xs hover:bg-slate-100 disabled:opacity-50 dark:border-slate-600 dark:hover:bg-slate-800"
      >
        {label}
      </button>
      <span aria-live="polite" className="text-xs text-slate-500 dark:text-slate-400">
        {state.kind === 'copied' ? 'copied' : state.kind === 'busy' ? '…' : ''}
      </span>
      {state.kind === 'failed' && (
        <div role="alert" className="absolute right-0 top-7 z-20 w-[36rem] max-w-[90vw] rounded border border-slate-300 bg-white p-2 text-xs shadow-lg dark:border-slate-600 dark:bg-slate-900">
          <div className="mb-1 flex justify-between gap-2">
            <span>{state.message}</span>
            <button type="button" className="underline" onClick={() => setState({ kind: 'idle' })}>
              close
            </button>
          </div>
          {state.text !== null && <textarea readOnly value={state.text} className="h-40 w-full font-mono text-[11px]" onFocus={(e) => e.currentTarget.select()} />}
        </div>
      )}
    </span>
  );
}
