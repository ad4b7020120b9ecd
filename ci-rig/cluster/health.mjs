// Health probes of the components: their own /healthz, /readyz or /health endpoints on loopback (or the node
// address), and the CRI socket for cri-dockerd, which serves no HTTP endpoint.
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { connect } from "node:net";
import { readFileSync } from "node:fs";

/**
 * GET `url`; resolves to { status, body } or rejects. `tls.ca` verifies the server; without it the loopback
 * endpoints' self-signed serving certificates (controller-manager, scheduler) are accepted as they are.
 * @param {string} url
 * @param {{ ca?: Buffer | string, cert?: Buffer | string, key?: Buffer | string, timeoutMs?: number }} [options]
 */
export function httpGet(url, { ca, cert, key, timeoutMs = 3000 } = {}) {
  const secure = url.startsWith("https:");
  const options = secure
    ? {
        ca: ca ? readFileSync(ca) : undefined,
        cert: cert ? readFileSync(cert) : undefined,
        key: key ? readFileSync(key) : undefined,
        rejectUnauthorized: Boolean(ca),
      }
    : {};
  return new Promise((resolve, reject) => {
    const req = (secure ? httpsRequest : httpRequest)(url, { ...options, timeout: timeoutMs }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode, body }));
    });
    req.on("timeout", () => req.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end();
  });
}

/**
 * True when GET `url` answers 200 (and, with `expect`, a body containing it).
 * @param {string} url
 * @param {{ expect?: string, ca?: Buffer | string, cert?: Buffer | string, key?: Buffer | string }} [options]
 */
export async function httpOk(url, { expect, ...tls } = {}) {
  try {
    const { status, body } = await httpGet(url, tls);
    return status === 200 && (!expect || body.includes(expect));
  } catch {
    return false;
  }
}

/** True when a unix socket accepts a connection. */
export function socketAccepts(path, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const socket = connect(path);
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on("connect", () => done(true));
    socket.on("error", () => done(false));
  });
}
