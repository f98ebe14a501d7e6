/**
 * Two demos side by side (`npm start` twice, another port or scenario): each launcher owns its lab's
 * files, so neither overwrites the other's kubeconfig, and each is removed when its lab stops.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startDemoLab } from '@/scripts/demo-lab.mjs';

const root = path.resolve(__dirname, '..');
type DemoLab = Awaited<ReturnType<typeof startDemoLab>>;
const labs: DemoLab[] = [];

afterAll(() => {
  for (const lab of labs) if (lab.child.exitCode === null) lab.child.kill('SIGKILL');
});

const serverOf = (kubeconfig: string) => [...fs.readFileSync(kubeconfig, 'utf8').matchAll(/server: (\S+)/g)].map((m) => m[1]);

describe('the demo lab of one launcher', () => {
  it('writes its kubeconfig where no other demo does and removes it when the lab stops', async () => {
    const first = await startDemoLab(root, 'lab/scenarios/seed.yaml');
    labs.push(first);
    const firstServers = serverOf(first.kubeconfig);
    const second = await startDemoLab(root, 'lab/scenarios/seed.yaml');
    labs.push(second);

    expect(first.kubeconfig).not.toBe(second.kubeconfig);
    for (const lab of [first, second]) expect(path.relative(root, lab.kubeconfig)).not.toBe(path.join('.lab', 'kubeconfig'));
    // The second start left the first dashboard's clusters alone.
    expect(serverOf(first.kubeconfig)).toEqual(firstServers);
    expect(serverOf(second.kubeconfig)).not.toEqual(firstServers);

    // Closing the launcher's pipe stops the lab, and its files go with it.
    const exited = new Promise((resolve) => first.child.once('exit', resolve));
    first.child.stdin!.end();
    await exited;
    expect(fs.existsSync(first.dir)).toBe(false);
    expect(fs.existsSync(second.kubeconfig)).toBe(true);
  });
});
