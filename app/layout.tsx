import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { AppHeader } from '@/components/AppHeader';
import { THEME_SCRIPT } from '@/components/ThemeToggle';
import { Providers } from './providers';
import './globals.css';

// Rendered per request: the Content-Security-Policy (proxy.ts) allows only scripts carrying this
// request's nonce, and Next can put it on its script tags only when it renders the page.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = {
  title: { default: 'Isthmus', template: '%s · Isthmus' },
  description: 'A multi-cluster Istio service mesh on one screen',
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // The theme script is inline: it runs only with this request's CSP nonce (proxy.ts sets the header).
  const nonce = /'nonce-([^']+)'/.exec((await headers()).get('content-security-policy') ?? '')?.[1];
  return (
    // The theme script sets html's class before the first paint: React must not undo it.
    <html lang="en" suppressHydrationWarning>
      <head>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
        <a href="#content" className="skip-link rounded bg-blue-700 px-3 py-1.5 text-sm font-medium text-white">
          Skip to content
        </a>
        <Providers>
          <AppHeader />
          <div id="content" tabIndex={-1} className="mx-auto max-w-[1600px] px-4 py-2 outline-none">
            {children}
          </div>
        </Providers>
      </body>
    </html>
  );
}
