/**
 * The browser-facing security headers of every answer (set by proxy.ts), and the checks on where a
 * request comes from. Pure functions, so the proxy stays a list of decisions and tests need no server.
 */

/** A fresh CSP nonce: 128 random bits, base64. */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

/**
 * Scripts run only with this request's nonce (Next puts it on its own script tags when it finds it in
 * the request's CSP header) and what they load ('strict-dynamic'); no eval outside `next dev`, whose
 * React tooling needs it. Styles may be inline: React renders style attributes, and CSS cannot run code.
 */
export function contentSecurityPolicy(nonce: string, dev = process.env.NODE_ENV === 'development'): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Headers for every answer (pages, API, refusals). API answers carry `Cache-Control: no-store` from
 * their own route (server/http.ts) or refusal, not from here: a header set here would win over the
 * route's, which adds `no-transform` to answers too large to compress on every request.
 */
export function securityHeaders(nonce: string): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(nonce),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    // Nothing the dashboard uses (it writes istioctl text to the clipboard, which needs no permission here).
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), payment=(), serial=()',
  };
}

export function isApi(pathname: string): boolean {
  return pathname === '/api' || pathname.startsWith('/api/');
}

/**
 * A request a page on another site (or another port of this host: a different origin, the same "site")
 * made the browser send. Browsers mark their own fetches `same-origin` and typed or bookmarked URLs
 * `none`; curl and scripts send neither header.
 */
export function fromElsewhere(secFetchSite: string | null, origin: string | null, host: string): boolean {
  if (secFetchSite !== null && secFetchSite !== 'same-origin' && secFetchSite !== 'none') return true;
  if (origin === null) return false;
  try {
    return new URL(origin).host.toLowerCase() !== host.trim().toLowerCase();
  } catch {
    return true; // "null" (sandboxed frames, file:) or garbage
  }
}

/** True when every segment of the path decodes (Next answers 500 on a malformed %-sequence). */
export function wellEncoded(pathname: string): boolean {
  try {
    for (const segment of pathname.split('/')) decodeURIComponent(segment);
    return true;
  } catch {
    return false;
  }
}
