// The Content-Security-Policy of every page, with the per-request nonce that proxy.ts makes. Next reads the
// nonce from this header on the request and puts it on every script and style it renders
// (vercel/next.js, docs/01-app/02-guides/content-security-policy.mdx, "Adding a nonce with Proxy").
//
// Scripts run only with the nonce ('strict-dynamic' lets those scripts load Next's chunks); no inline event
// handlers, no eval. Development needs 'unsafe-eval' (React rebuilds server error stacks with eval) and inline
// styles (the dev overlay); production gets neither.
export function contentSecurityPolicy(nonce: string, { development = false } = {}): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    `style-src 'self' ${development ? "'unsafe-inline'" : `'nonce-${nonce}'`}`,
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    // No page on any origin may put the app in a frame (clickjacking); X-Frame-Options says the same to old
    // browsers (next.config.ts).
    "frame-ancestors 'none'",
  ].join("; ");
}
