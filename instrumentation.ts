/**
 * Next.js calls register() once when the server starts: the terminal learns at once what cannot be
 * served, and every cluster's watch-fed cache starts listing (and follows the kubeconfig from then on).
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { reportConfiguration } = await import('./server/startup');
  reportConfiguration();
  const { followKubeconfig } = await import('./server/cache/follow');
  followKubeconfig();
}
