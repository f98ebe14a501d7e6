/** See standalone.mjs. */
export declare const STANDALONE_DIR: string;
export function standaloneServer(root: string): string;
export function standaloneEnv(baseEnv: NodeJS.ProcessEnv, where: { host: string; port: number }): NodeJS.ProcessEnv;
