import type { Metadata } from 'next';

export const metadata: Metadata = { title: 'Sign in' };
export const dynamic = 'force-dynamic';

/** Only paths of this site: never an absolute or protocol-relative URL (an open redirect). */
function safeNext(next: string | string[] | undefined): string {
  const n = typeof next === 'string' ? next : '/';
  return n.startsWith('/') && !n.startsWith('//') && !n.startsWith('/\\') ? n : '/';
}

/** The sign-in page of `--auth token`: a token from the tokens file buys a signed session cookie. */
export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const failed = params.error !== undefined;
  return (
    <main className="mx-auto mt-16 max-w-sm">
      <h1 className="mb-4 text-xl font-semibold">Sign in to Isthmus</h1>
      <form method="post" action="/auth/signin" className="flex flex-col gap-3">
        <input type="hidden" name="next" value={safeNext(params.next)} />
        <label className="flex flex-col gap-1 text-sm">
          Access token
          <input name="token" type="password" autoComplete="current-password" required autoFocus className="rounded border border-slate-300 px-2 py-1.5 dark:border-slate-700 dark:bg-slate-900" />
        </label>
        {failed && (
          <p role="alert" className="text-sm text-red-700 dark:text-red-400">
            That token is not valid.
          </p>
        )}
        <button type="submit" className="rounded bg-slate-900 px-3 py-1.5 text-sm font-medium text-white dark:bg-slate-100 dark:text-slate-900">
          Sign in
        </button>
      </form>
    </main>
  );
}
