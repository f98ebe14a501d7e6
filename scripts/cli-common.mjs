/**
 * What `npm start` and `npm run check` share: the command-line loop, the kubeconfig rules (--kubeconfig
 * files, else $KUBECONFIG, else ~/.kube/config; --context picks contexts, none = all) (the demo's lab: demo-lab.mjs).
 */
import path from 'node:path';

export function fail(message) {
  console.error(`isthmus: ${message}`);
  process.exit(2);
}

/**
 * Walks argv calling onFlag(flag, value) for each option; value() reads the option's argument
 * (`--flag v` or `--flag=v`). onFlag returns false for an unknown option.
 */
export function parseFlags(argv, onFlag) {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s) : [arg, undefined];
    const value = () => {
      if (inline !== undefined) return inline;
      const v = argv[++i];
      if (v === undefined) fail(`${flag} needs a value`);
      return v;
    };
    if (onFlag(flag, value) === false) fail(`unknown option ${arg} (try --help)`);
  }
}

/** The server's cluster environment for --kubeconfig/--context (kubectl's rules: $KUBECONFIG when no file is given). */
export function clusterEnv({ kubeconfig, context }) {
  return {
    ISTHMUS_KUBECONFIG: kubeconfig.length ? kubeconfig.map((p) => path.resolve(p)).join(path.delimiter) : (process.env.KUBECONFIG ?? ''),
    ISTHMUS_CONTEXTS: context.join(','),
    ISTHMUS_DEMO: '',
  };
}

export function childEnv(extra = {}) {
  return { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...extra };
}
