import type { NextConfig } from "next";
import { fileURLToPath } from "node:url";

// npm workspaces hoist every dependency to the repository root, so both the bundler and the
// standalone file tracer must start there. The standalone server then lands at
// .next/standalone/app/frontend/server.js.
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

const nextConfig: NextConfig = {
  output: "standalone",
  outputFileTracingRoot: repoRoot,
  turbopack: { root: repoRoot },
  poweredByHeader: false,
  // No next/image in this app: the image optimizer is never needed, so the image leaves out sharp
  // (app/frontend/Dockerfile); turning optimization on means keeping it there.
  images: { unoptimized: true },
  reactStrictMode: true,
  // `next dev`'s floating indicator sits bottom-left, over the phone layout's Tasks tab. Build and runtime
  // errors still open Next's overlay without it (nextjs.org/docs/app/api-reference/config/next-config-js/devIndicators).
  devIndicators: false,
  // On every answer, pages and /api alike. The Content-Security-Policy, which needs a nonce per request, is
  // set by proxy.ts.
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
        ],
      },
    ];
  },
};

export default nextConfig;
