import { readE2eEnv } from './env';

/**
 * Safety net: global-setup's returned function stops the lab and `next start`. If the run was cut short
 * and either survived, end it by the pid setup recorded (never by name).
 */
export default async function globalTeardown(): Promise<void> {
  let pids: number[] = [];
  try {
    const env = readE2eEnv();
    pids = [env.nextPid, env.labPid];
  } catch {
    return; // setup never got that far
  }
  for (const pid of pids.filter((p) => p > 0)) {
    try {
      process.kill(pid, 0);
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone: the normal case
    }
  }
}
