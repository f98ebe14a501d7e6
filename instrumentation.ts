/**
 * Next.js calls register() once when the server starts: it refuses to serve an exposed address without
 * sign-in, the terminal learns at once what cannot be served, and every cluster's watch-fed cache starts listing (and follows the kubeconfig from then on).
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  // Bound beyond loopback without sign-in, or sign-in settings that cannot work: refuse to serve at all.
  // The standalone server binds $HOSTNAME, all interfaces when unset.
  const { exposureProblem } = await import('./server/auth/config');
  const problem = exposureProblem(process.env.HOSTNAME || '0.0.0.0');
  if (problem) {
    console.error(`isthmus: refusing to start: ${problem}`);
    process.exit(2);
  }
  const { reportConfiguration } = await import('./server/startup');
  reportConfiguration();
  const { followKubeconfig } = await import('./server/cache/follow');
  followKubeconfig();
}
