/**
 * Next.js calls register() once when the server starts: it refuses to serve an exposed address without
 * sign-in, the terminal learns at once what cannot be served, every cluster's watch-fed cache starts
 * listing (and follows the kubeconfig from then on), and methods Next cannot serve are refused before
 * they reach it.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { refuseUnsafeExposure } = await import('./server/auth/startup');
  refuseUnsafeExposure();
  const { reportConfiguration } = await import('./server/startup');
  reportConfiguration();
  const { followKubeconfig } = await import('./server/cache/follow');
  followKubeconfig();
  const { refuseMethodsNextCannotServe } = await import('./server/refuse-methods');
  refuseMethodsNextCannotServe();
}
