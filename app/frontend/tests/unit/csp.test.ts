// @vitest-environment node
// The Content-Security-Policy that proxy.ts puts on every page. Chromium enforcing it is in the e2e suite.
import { NextRequest } from "next/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { proxy } from "../../proxy";

afterEach(() => {
  vi.unstubAllEnvs();
});

function policyOf(response: Response): Map<string, string[]> {
  const header = response.headers.get("content-security-policy") ?? "";
  return new Map(
    header
      .split(";")
      .map((directive) => directive.trim().split(/\s+/))
      .map(([name, ...sources]) => [name!, sources]),
  );
}

const page = () => new NextRequest("http://localhost:3000/");

describe("the Content-Security-Policy of a page", () => {
  it("lets scripts run only with a fresh nonce per request, in production without eval or inline code", () => {
    vi.stubEnv("NODE_ENV", "production");
    const first = policyOf(proxy(page()));
    const second = policyOf(proxy(page()));

    const nonceOf = (policy: Map<string, string[]>) =>
      policy.get("script-src")?.find((source) => source.startsWith("'nonce-"));
    expect(nonceOf(first)).toMatch(/^'nonce-[A-Za-z0-9+/]{22}=='$/); // 16 random bytes
    expect(nonceOf(first)).not.toBe(nonceOf(second));
    for (const directive of ["script-src", "style-src"]) {
      expect(first.get(directive), directive).not.toContain("'unsafe-eval'");
      expect(first.get(directive), directive).not.toContain("'unsafe-inline'");
    }
    expect(first.get("frame-ancestors")).toEqual(["'none'"]);
    expect(first.get("object-src")).toEqual(["'none'"]);
  });

  it("allows eval in development only, where React's dev tools need it", () => {
    vi.stubEnv("NODE_ENV", "development");
    expect(policyOf(proxy(page())).get("script-src")).toContain("'unsafe-eval'");
  });
});
