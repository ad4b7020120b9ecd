import proxyAddr from "proxy-addr";

/** Whether a socket address belongs to a reverse proxy whose X-Forwarded-* headers the backend believes. */
export type TrustedProxy = (address: string) => boolean;

/**
 * Compiles TRUSTED_PROXIES (IP addresses, CIDR ranges, or proxy-addr's names `loopback`, `linklocal`,
 * `uniquelocal`) with proxy-addr, the matcher Fastify's own `trustProxy` uses. Throws a TypeError naming a bad
 * entry. No entries: nobody is trusted, so every client is keyed by its own socket address.
 */
export function compileTrustedProxies(entries: readonly string[]): TrustedProxy {
  if (entries.length === 0) return () => false;
  const trust = proxyAddr.compile([...entries]);
  return (address) => trust(address, 0);
}
