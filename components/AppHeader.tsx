'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useClusters } from '@/lib/hooks/queries';
import { isConfigurationError } from '@/lib/hooks/fetch-json';
import { LiveStatus } from './LiveStatus';
import { PollingControl } from './PollingControl';
import { SessionMenu } from './SessionMenu';
import { ThemeToggle } from './ThemeToggle';

const NAV = [
  { href: '/', label: 'Overview' },
  { href: '/topology', label: 'Topology' },
  { href: '/pods', label: 'Pods' },
  { href: '/checks', label: 'Checks' },
  { href: '/trace', label: 'Trace' },
  { href: '/proxies', label: 'Proxies' },
];

function isActive(pathname: string, href: string): boolean {
  if (href === '/') return pathname === '/';
  if (href === '/pods') return pathname.startsWith('/pods') || pathname.startsWith('/clusters/');
  return pathname.startsWith(href);
}

export function AppHeader() {
  const pathname = usePathname() ?? '/';
  const clusters = useClusters();
  return (
    <header className="sticky top-0 z-30 border-b border-slate-200 bg-white/95 backdrop-blur dark:border-slate-800 dark:bg-slate-950/95">
      <div className="mx-auto flex max-w-[1600px] flex-wrap items-center gap-x-4 gap-y-1 px-4 py-1.5">
        <Link href="/" className="text-lg font-bold tracking-tight">
          Isthmus
        </Link>
        {clusters.data?.demo && (
          <span className="rounded bg-violet-100 px-2 py-0.5 text-xs font-semibold text-violet-900 ring-1 ring-violet-600/30 dark:bg-violet-900/50 dark:text-violet-100" data-testid="demo-badge">
            Demo mesh (lab)
          </span>
        )}
        <nav aria-label="Main" className="flex items-center gap-1">
          {NAV.map((n) => {
            const active = isActive(pathname, n.href);
            return (
              <Link
                key={n.href}
                href={n.href}
                aria-current={active ? 'page' : undefined}
                className={`rounded px-2 py-1 text-sm ${active ? 'bg-slate-900 text-white dark:bg-slate-100 dark:text-slate-900' : 'text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800'}`}
              >
                {n.label}
              </Link>
            );
          })}
        </nav>
        <div className="ml-auto flex items-center gap-3">
          <PollingControl />
          <LiveStatus />
          <ThemeToggle />
          <SessionMenu />
        </div>
      </div>
      {isConfigurationError(clusters.error) && (
        <p role="alert" data-testid="no-usable-cluster" className="border-t border-red-300 bg-red-50 px-4 py-1.5 text-sm text-red-900 dark:border-red-800 dark:bg-red-950/60 dark:text-red-100">
          <strong>No usable cluster.</strong> {clusters.error.message.replace(/^no usable cluster: /, '')}
        </p>
      )}
    </header>
  );
}
