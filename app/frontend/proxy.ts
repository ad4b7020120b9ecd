// Next's request proxy (Next's file convention for code that runs before a page renders; not server/apiProxy.mts,
// which forwards /api/* to the backend). It gives every page request a fresh nonce and the Content-Security-Policy that carries it.
import { NextResponse, type NextRequest } from "next/server";
import { contentSecurityPolicy } from "./lib/contentSecurityPolicy";

export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const policy = contentSecurityPolicy(nonce, { development: process.env.NODE_ENV === "development" });
  // On the request, for Next's renderer to find the nonce; on the response, for the browser to enforce it.
  const headers = new Headers(request.headers);
  headers.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", policy);
  return response;
}

export const config = {
  matcher: [
    {
      // Pages only: not /api (its bodies must stream to the backend; a proxy here would buffer them), not the
      // build's static files, not the health check.
      source: "/((?!api/|_next/|healthz|icon.svg|robots.txt).*)",
      // Prefetches of a page's data are not documents; the page itself gets the policy.
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
