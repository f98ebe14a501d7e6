import type { ChildProcess } from 'node:child_process';

export function startDemoLab(
  root: string,
  scenario: string,
  options?: { env?: NodeJS.ProcessEnv; onOutput?: (chunk: Buffer) => void; args?: string[] },
): Promise<{ child: ChildProcess; kubeconfig: string; control: string; dir: string; cleanup: () => void }>;
