/**
 * GET /favicon.ico: the browser's fallback icon, sent on to the one icon there is (app/icon.svg).
 * Every page links that icon, but on a client-side route change Next re-renders the metadata and the
 * <link rel="icon"> is gone for a few milliseconds; Chromium looks for icons on each navigation and,
 * finding none, asks for /favicon.ico. A 404 there is a console error on a page that did nothing wrong.
 */
export function GET(): Response {
  return new Response(null, { status: 308, headers: { location: '/icon.svg' } });
}
