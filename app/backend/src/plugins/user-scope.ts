import type { FastifyPluginAsync } from "fastify";
import type { AppContext } from "../context.js";
import { HttpError } from "../errors.js";
import { requireUser } from "./session.js";

export type UserRoutes = FastifyPluginAsync<{ context: AppContext }>;

/**
 * Routes under /api/:user_id: the caller must be signed in (401) and `user_id` must be their own id (403),
 * checked before any body is read, so another user's data is never touched.
 */
export const userScope: FastifyPluginAsync<{ context: AppContext; routes: UserRoutes[] }> = async (
  app,
  { context, routes },
) => {
  app.addHook("onRequest", async (request) => {
    const user = await requireUser(context, request);
    const pathUserId = (request.params as { user_id?: string }).user_id;
    if (pathUserId !== user.id) {
      throw new HttpError(
        403,
        "FORBIDDEN",
        "This path belongs to another user: use your own user id (GET /api/me).",
        "user_id",
      );
    }
    request.user = user;
  });
  for (const plugin of routes) await app.register(plugin, { context });
};
