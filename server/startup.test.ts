import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { reportConfiguration } from './startup';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isthmus-startup-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const kubeconfig = (name: string, context: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(
    file,
    `apiVersion: v1\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:6443\nusers:\n- name: u\n  user:\n    token: t\ncontexts:\n- name: ${context}\n  context:\n    cluster: c\n    user: u\n`,
  );
  return file;
};

function report(env: Record<string, string>): string[] {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  const lines: string[] = [];
  try {
    reportConfiguration((l) => lines.push(l));
  } finally {
    for (const key of Object.keys(env)) if (saved[key] === undefined) delete process.env[key];
    Object.assign(process.env, saved);
  }
  return lines;
}

describe('the terminal at start', () => {
  it('warns about each unusable entry and names the clusters it serves', () => {
    const good = kubeconfig('good', 'one');
    // A file not read is said once: in the missing context's message, or alone when every context was found.
    expect(report({ ISTHMUS_KUBECONFIG: `${good}:${path.join(dir, 'confg')}`, ISTHMUS_CONTEXTS: 'one' })).toEqual([
      `isthmus: WARNING kubeconfig ${path.join(dir, 'confg')} does not exist`,
      'isthmus: clusters served: one',
    ]);
    expect(report({ ISTHMUS_KUBECONFIG: `${good}:${path.join(dir, 'confg')}`, ISTHMUS_CONTEXTS: 'one,tow' })).toEqual([
      `isthmus: WARNING tow: context "tow" is not in the kubeconfig (known: "one"; not read: ${path.join(dir, 'confg')} does not exist)`,
      'isthmus: clusters served: one',
    ]);
  });

  it('says plainly when nothing can be served, and why', () => {
    const good = kubeconfig('good2', 'one');
    const lines = report({ ISTHMUS_KUBECONFIG: good, ISTHMUS_CONTEXTS: 'tow' });
    expect(lines).toEqual([
      'isthmus: WARNING tow: context "tow" is not in the kubeconfig (known: "one")',
      'isthmus: ERROR no usable cluster: tow: context "tow" is not in the kubeconfig (known: "one") (every page says so until the kubeconfig is fixed; it is re-read on each request)',
    ]);
  });
});
