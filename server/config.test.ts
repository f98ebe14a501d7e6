import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('refuses a Prometheus URL with credentials without repeating them', () => {
    for (const env of [{ ISTHMUS_PROMETHEUS_URL: 'https://admin:s3cret@127.0.0.1:9090' }, { ISTHMUS_PROMETHEUS: 'cluster1=http://admin:s3cret@127.0.0.1:9090,cluster2=http://127.0.0.1:9091' }, { ISTHMUS_PROMETHEUS_URL: 'http://127.0.0.1:9090/?admin=s3cret' }]) {
      let error: unknown;
      try {
        loadConfig({ ISTHMUS_KUBECONFIG: '/dev/null', ...env });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain('without credentials');
      expect((error as Error).message).toContain('127.0.0.1:9090');
      expect((error as Error).message).not.toContain('s3cret');
      expect((error as Error).message).not.toContain('admin');
    }
  });
});
