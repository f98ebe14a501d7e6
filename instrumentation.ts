/** Next.js calls register() once when the server starts: the terminal learns at once what cannot be served. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { reportConfiguration } = await import('./server/startup');
  reportConfiguration();
}
