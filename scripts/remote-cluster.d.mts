/** See remote-cluster.mjs. */
export declare const TOKEN_SECRET: string;
export function remoteManifests(options?: { impersonate?: boolean }): string;
export function remoteKubeconfig(entry: { name: string; server: string; caPem: string; token: string }): string;
