'use client';

import { useQuery } from '@tanstack/react-query';
import { fetchJson } from '@/lib/hooks/fetch-json';

interface SessionResponse {
  auth: 'none' | 'token' | 'proxy';
  user: string | null;
}

/** Who is signed in, and (token sign-in) the sign-out button; nothing without sign-in. */
export function SessionMenu() {
  const session = useQuery({ queryKey: ['session'], queryFn: ({ signal }) => fetchJson<SessionResponse>('/api/session', signal), staleTime: Infinity });
  const s = session.data;
  if (!s || s.auth === 'none' || !s.user) return null;
  return (
    <div className="flex items-center gap-2 text-sm" data-testid="session">
      <span className="text-slate-600 dark:text-slate-400">{s.user}</span>
      {s.auth === 'token' && (
        <form method="post" action="/auth/signout">
          <button type="submit" className="rounded px-2 py-1 text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800">
            Sign out
          </button>
        </form>
      )}
    </div>
  );
}
