import next from 'eslint-config-next';

const config = [
  ...next,
  { ignores: ['.next/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  {
    files: ['app/**', 'components/**', 'lib/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: '@kubernetes/client-node', message: 'client-node is server/-only.' }] }],
    },
  },
];

export default config;
