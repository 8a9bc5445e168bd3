/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The dev server blocks its own scripts for pages opened at an origin it does not know, and a form whose
  // script never loaded is submitted by the browser itself. Let the loopback names load scripts in dev.
  allowedDevOrigins: ["127.0.0.1", "localhost", "[::1]"],
  // The embedded executor calls /api/inngest every second (wake-due); keep the dev log for people's requests.
  logging: { incomingRequests: { ignore: [/\/api\/inngest/] } },
  // Server-only packages with WebAssembly or native sockets: load them from node_modules, do not bundle.
  // mjml (the visual email editor's compiler) requires its components and parsers at run time.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "pg",
    "@prisma/adapter-pg",
    "mjml",
    "@tensorflow/tfjs-core",
    "@tensorflow/tfjs-backend-cpu",
  ],
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
        ],
      },
    ];
  },
};

module.exports = nextConfig;
