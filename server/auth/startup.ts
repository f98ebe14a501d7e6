import 'server-only';
import { exposureProblem } from './config';

/**
 * At server start (instrumentation.ts): bound beyond loopback without sign-in, or sign-in settings that
 * cannot work, and the process exits instead of serving. The standalone server binds $HOSTNAME, all
 * interfaces when it is unset.
 */
export function refuseUnsafeExposure(): void {
  const problem = exposureProblem(process.env.HOSTNAME || '0.0.0.0');
  if (!problem) return;
  console.error(`isthmus: refusing to start: ${problem}`);
  process.exit(2);
}
