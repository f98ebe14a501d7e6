'use client';

import { useState } from 'react';
import { copyText } from '@/lib/ui/clipboard';

/** A finding's fix: the command or YAML, selectable, with a copy button. */
export function FixBlock({ fix }: { fix: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  async function copy() {
    const ok = await copyText(fix);
    setState(ok ? 'copied' : 'failed');
    window.setTimeout(() => setState('idle'), 2000);
  }
  return (
    <div className="relative">
      <pre className="overflow-x-auto whitespace-pre-wrap break-all rounded bg-slate-900 p-2 pr-20 font-mono text-xs text-slate-100" data-testid="finding-fix">
        {fix}
      </pre>
      <button type="button" onClick={copy} className="absolute right-1 top-1 rounded bg-slate-700 px-1.5 py-0.5 text-xs text-white hover:bg-slate-600 focus:outline focus:outline-2 focus:outline-blue-400">
        {state === 'copied' ? 'copied ✓' : state === 'failed' ? 'select & copy' : 'copy fix'}
      </button>
      <span role="status" className="sr-only">
        {state === 'copied' ? 'Fix copied to the clipboard' : ''}
      </span>
    </div>
  );
}
