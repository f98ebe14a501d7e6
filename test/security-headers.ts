/** The security headers every page and API answer must carry (lib/security-headers.ts), as assertions. */
import { expect } from 'vitest';

export function expectSecurityHeaders(headers: Headers, where = ''): void {
  const csp = headers.get('content-security-policy') ?? '';
  expect(csp, where).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
  expect(csp, where).not.toContain('unsafe-eval');
  expect(csp, where).toContain("frame-ancestors 'none'");
  expect(csp, where).toContain("object-src 'none'");
  expect(headers.get('x-content-type-options'), where).toBe('nosniff');
  expect(headers.get('referrer-policy'), where).toBe('no-referrer');
  expect(headers.get('cross-origin-opener-policy'), where).toBe('same-origin');
  expect(headers.get('permissions-policy'), where).toContain('camera=()');
}
