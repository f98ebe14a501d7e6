// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // client-node pulls in node-fetch, ws and friends: keep it out of the server bundle.
  serverExternalPackages: ['@kubernetes/client-node'],
  // Builds and tests run offline; never phone home.
  typescript: { ignoreBuildErrors: false },
};

module.exports = nextConfig;
