// HTTP connections that can still read an answer the server sent before it stopped reading the request body.
//
// A server may answer early and close: Fastify refuses a body over its limit with 413 and `Connection: close`.
// The client's next write of the body then fails with EPIPE (or ECONNRESET), and Node destroys the socket at
// once, before it has read the answer already waiting in the kernel's receive buffer (nodejs/node#54366,
// nodejs/node#12339). Browsers keep reading after a failed upload; these sockets do the same.
import http, { type ClientRequestArgs } from "node:http";
import net from "node:net";

// Write errors that mean "the peer closed the connection": its answer may still be waiting to be read.
const PEER_GONE = new Set(["EPIPE", "ECONNRESET"]);

type WriteCallback = (error?: Error | null) => void;

function ignorePeerGone(callback: WriteCallback): WriteCallback {
  return (error) =>
    callback(error && PEER_GONE.has((error as NodeJS.ErrnoException).code ?? "") ? null : error);
}

/**
 * A socket whose writes to a closed peer fail quietly, so it is not destroyed and the HTTP client still reads
 * what the peer sent. The rest of the body is dropped; reading ends the exchange: the answer arrives, or the
 * read side reports the reset and the request fails as it would have.
 */
class EarlyAnswerSocket extends net.Socket {
  override _write(chunk: unknown, encoding: BufferEncoding, callback: WriteCallback): void {
    super._write(chunk, encoding, ignorePeerGone(callback));
  }
  override _writev(
    chunks: Array<{ chunk: unknown; encoding: BufferEncoding }>,
    callback: WriteCallback,
  ): void {
    super._writev!(chunks, ignorePeerGone(callback));
  }
}

/** An http.Agent whose connections are EarlyAnswerSockets. */
export class EarlyAnswerAgent extends http.Agent {
  override createConnection(options: ClientRequestArgs): net.Socket {
    // What net.createConnection(options) does, with the socket class above.
    const socket = new EarlyAnswerSocket();
    if (options.timeout) socket.setTimeout(options.timeout);
    return socket.connect(options as net.NetConnectOpts);
  }
}
