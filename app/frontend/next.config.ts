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
  // No next/image in this app: the image optimizer is never needed.
  images: { unoptimized: true },
  // So sharp, the optimizer's image library (about 20 MB with its native libvips), stays out of the
  // standalone output. The globs are the ones Next.js itself leaves out when a platform optimizes images
  // (node_modules/next/dist/build/collect-build-traces.js, serverIgnores); "*" applies them to every trace.
  outputFileTracingExcludes: { "*": ["**/node_modules/sharp/**/*", "**/node_modules/@img/**/*"] },
  reactStrictMode: true,
};

export default nextConfig;
