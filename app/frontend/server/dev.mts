// The development entry point (`npm run dev`): Next in development mode behind the same request sanitizer and /api
// proxy as the production server (server/start.mts), so `next dev` and the image forward /api by one code path.
// Next's custom-server setup (next({ dev }) and its request handler); PORT defaults to 3000.
import http from "node:http";
import next from "next";
import { withApiProxy } from "./apiProxy.mts";
import { sanitizeRequests } from "./requestSanitizer.mts";

const port = Number(process.env.PORT ?? 3000);
const app = next({ dev: true, dir: new URL("..", import.meta.url).pathname, port });
await app.prepare();
const handle = app.getRequestHandler();
http
  .createServer(sanitizeRequests(withApiProxy((req, res) => void handle(req, res))))
  .listen(port, () => console.log(`frontend (development): http://localhost:${port}`));
