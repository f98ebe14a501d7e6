'use client';

import { useEffect, useRef, useState } from 'react';

/**
 * A text input's own value that is committed (to the URL, say) after `delayMs` without typing.
 * Driving an input straight from the URL drops keystrokes: the URL updates asynchronously.
 * When `value` changes from outside (a "clear filters" button, back button), the draft follows it.
 * `flush` commits a pending draft at once; call it on blur, so a late commit cannot land after the user
 * has moved on (typing a search, then clicking a result link: the URL update would undo the navigation).
 * `cancel` drops a pending commit (true when there was one), for a handler that commits the draft itself.
 */
export function useDraft(value: string, commit: (v: string) => void, delayMs = 300): [string, (v: string) => void, () => void, () => boolean] {
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
  const cancel = () => {
    if (pending.current === null) return false;
    window.clearTimeout(pending.current);
    pending.current = null;
    return true;
  };
  const flush = () => {
    if (cancel()) commitRef.current(draft);
  };
  return [draft, change, flush, cancel];
}
