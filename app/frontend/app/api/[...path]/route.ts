import { forwardToBackend } from "../../../lib/proxy";
import { API_METHODS } from "../../../server/gate.mts";

// Every /api/* call from the browser goes to the backend. BACKEND_URL is read per request,
// so one built image serves any environment.
export const dynamic = "force-dynamic";

const DEFAULT_BACKEND_URL = "http://localhost:8000";

function handle(request: Request): Promise<Response> {
  return forwardToBackend(request, process.env.BACKEND_URL || DEFAULT_BACKEND_URL);
}

// One handler per method in API_METHODS, which the request gate also names in its 405 answers' Allow header.
const handlers = {
  GET: handle,
  HEAD: handle,
  POST: handle,
  PUT: handle,
  PATCH: handle,
  DELETE: handle,
  OPTIONS: handle,
} satisfies Record<(typeof API_METHODS)[number], typeof handle>;

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = handlers;
