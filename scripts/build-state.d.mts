/** Whether .next is missing, older than the sources, or current (see build-state.mjs). */
export function buildState(root: string): 'missing' | 'stale' | 'current';
