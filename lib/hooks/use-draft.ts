'use client';

import { useEffect, useRef, useState } from 'react';

/**
 * A text input's own value that is committed (to the URL, say) after `delayMs` without typing.
 * Driving an input straight from the URL drops keystrokes: the URL updates asynchronously.
 * When `value` changes from outside (a "clear filters" button, back button), the draft follows it.
 */
export function useDraft(value: string, commit: (v: string) => void, delayMs = 300): [string, (v: string) => void] {
  const [draft, setDraft] = useState(value);
  const pending = useRef<number | null>(null);
  const commitRef = useRef(commit);
  useEffect(() => {
    commitRef.current = commit;
  });

  useEffect(() => {
    if (pending.current === null) setDraft(value);
  }, [value]);

  useEffect(() => () => {
    if (pending.current !== null) window.clearTimeout(pending.current);
  }, []);

  const change = (v: string) => {
    setDraft(v);
    if (pending.current !== null) window.clearTimeout(pending.current);
    pending.current = window.setTimeout(() => {
      pending.current = null;
      commitRef.current(v);
    }, delayMs);
  };
  return [draft, change];
}
