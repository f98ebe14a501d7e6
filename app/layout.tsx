import type { Metadata } from 'next';
import { AppHeader } from '@/components/AppHeader';
import { Providers } from './providers';
import './globals.css';

// Rendered per request: the Content-Security-Policy (proxy.ts) allows only scripts carrying this
// request's nonce, and Next can put it on its script tags only when it renders the page.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = {
  title: { default: 'Isthmus', template: '%s · Isthmus' },
  description: 'A multi-cluster Istio service mesh on one screen',
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
        <Providers>
          <AppHeader />
          <div className="mx-auto max-w-[1600px] px-4 py-2">{children}</div>
        </Providers>
      </body>
    </html>
  );
}
