import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="p-4">
      <h1 className="text-lg font-semibold">Not found</h1>
      <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">
        No such page. Start from the{' '}
        <Link className="underline" href="/">
          overview
        </Link>{' '}
        or the{' '}
        <Link className="underline" href="/pods">
          pod picker
        </Link>
        .
      </p>
    </main>
  );
}
