// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The image (Containerfile) runs .next/standalone/server.js: the server with only the node_modules it needs.
  output: 'standalone',
  // Trace from this folder, so the standalone layout is .next/standalone/server.js wherever the checkout is.
  outputFileTracingRoot: __dirname,
  // client-node pulls in node-fetch, ws and friends: keep it out of the server bundle.
  serverExternalPackages: ['@kubernetes/client-node'],
  // Builds and tests run offline; never phone home.
  typescript: { ignoreBuildErrors: false },
};

module.exports = nextConfig;
