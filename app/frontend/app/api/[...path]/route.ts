import { forwardToBackend } from "../../../lib/proxy";

// Every /api/* call from the browser goes to the backend. BACKEND_URL is read per request,
// so one built image serves any environment.
export const dynamic = "force-dynamic";

const DEFAULT_BACKEND_URL = "http://localhost:8000";

function handle(request: Request): Promise<Response> {
  return forwardToBackend(request, process.env.BACKEND_URL || DEFAULT_BACKEND_URL);
}

export { handle as GET, handle as POST, handle as PUT, handle as PATCH, handle as DELETE };
export { handle as HEAD, handle as OPTIONS };
