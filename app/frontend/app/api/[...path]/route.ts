import { forwardToBackend } from "../../../lib/proxy";
import { backendUrl } from "../../../server/forward.mts";
import { API_METHODS } from "../../../server/gate.mts";

// Every /api/* call from the browser goes to the backend: here under `next dev`; the production server
// (server/start.mts) forwards /api before Next sees it (server/forward.mts). BACKEND_URL is read per request,
// so one built image serves any environment.
export const dynamic = "force-dynamic";

function handle(request: Request): Promise<Response> {
  return forwardToBackend(request, backendUrl());
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
