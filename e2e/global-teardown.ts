import { rmSync } from 'node:fs';
import { E2E_ENV_FILE, readE2eEnv } from './env';

/**
 * Safety net: global-setup's returned function stops the lab and `next start`. If the run was cut short
 * and the server survived, end it by the pid setup recorded (never by name).
 */
export default async function globalTeardown(): Promise<void> {
  let pid = 0;
  try {
    pid = readE2eEnv().nextPid;
  } catch {
    return; // setup never got that far
  }
  if (pid > 0) {
    try {
      process.kill(pid, 0);
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone: the normal case
    }
  }
  rmSync(E2E_ENV_FILE, { force: true });
}
