// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The image (Containerfile) runs .next/standalone/server.js: the server with only the node_modules it needs.
  output: 'standalone',
  // Trace from this folder, so the standalone layout is .next/standalone/server.js wherever the checkout is.
  outputFileTracingRoot: __dirname,
  // client-node is bundled, not an external package: loaded from node_modules, its ESM (2,556 files of
  // generated models) took ~380 ms of the one thread before the first list could go out; bundled (and
  // cut to what we use) the instrumentation's copy takes ~150 ms.
  experimental: {
    // Next loads every route's modules when the server starts, by default: ~200 ms of the one thread
    // while the first lists of every cluster wait for it to open their connections. Routes load on first
    // request instead (tens of ms each, while the caches sync).
    preloadEntriesOnStart: false,
  },
  // Builds and tests run offline; never phone home.
  typescript: { ignoreBuildErrors: false },
};

module.exports = nextConfig;
