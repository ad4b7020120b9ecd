// Generates lib/api.gen.ts, the client's types and input limits, from the backend's OpenAPI document
// (which the backend builds from its zod schemas: one home for every shape and limit).
// `npm run generate:api -w app/frontend` rewrites it; tests/unit/apiTypes.test.ts fails when it is stale.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
// openapi-typescript's Node API: https://openapi-ts.dev/node (openapiTS(schema) -> AST, astToString).
import openapiTS, { astToString, COMMENT_HEADER, type OpenAPI3 } from "openapi-typescript";
import { format, resolveConfig } from "prettier";

export const GENERATED = fileURLToPath(new URL("../../lib/api.gen.ts", import.meta.url));
const backendSource = (path: string) =>
  pathToFileURL(fileURLToPath(new URL(`../../../backend/src/${path}`, import.meta.url))).href;

/** The backend's /openapi.json, from the app built in-process on in-memory PGlite (as its tests do). */
export async function fetchOpenApi(): Promise<OpenAPI3> {
  // Imported by URL and typed by hand: the frontend's type check never compiles the backend's sources.
  type App = {
    inject(request: { method: "GET"; url: string }): Promise<{ statusCode: number; json(): unknown }>;
    close(): Promise<unknown>;
  };
  const { buildApp } = (await import(backendSource("app.ts"))) as {
    buildApp(options: { config: unknown }): Promise<App>;
  };
  const { loadConfig } = (await import(backendSource("config.ts"))) as {
    loadConfig(env: Record<string, string>): unknown;
  };
  const config = loadConfig({
    NODE_ENV: "test",
    PGLITE_DATA_DIR: "memory://",
    BETTER_AUTH_SECRET: "only-to-build-the-openapi-document-0123456789",
    LOG_LEVEL: "silent",
  });
  const app = await buildApp({ config });
  try {
    const response = await app.inject({ method: "GET", url: "/openapi.json" });
    if (response.statusCode !== 200) throw new Error(`GET /openapi.json answered ${response.statusCode}`);
    return response.json() as OpenAPI3;
  } finally {
    await app.close();
  }
}

type Schema = { maxLength?: number; properties?: Record<string, Schema>; anyOf?: Schema[] };

/** A nullable field is `anyOf: [{type: "string", maxLength}, {type: "null"}]`. */
const limitOf = (schema: Schema | undefined): number | undefined =>
  schema?.maxLength ?? schema?.anyOf?.map(limitOf).find((limit) => limit !== undefined);

function maxLength(document: OpenAPI3, path: string, field: string): number {
  // The backend's document has no $refs at these levels: read it as plain JSON.
  type Post = { post?: { requestBody?: { content?: Record<string, { schema?: Schema }> } } };
  const item = document.paths?.[path] as Post | undefined;
  const schema = item?.post?.requestBody?.content?.["application/json"]?.schema;
  const limit = limitOf(schema?.properties?.[field]);
  if (typeof limit !== "number") throw new Error(`POST ${path} has no maxLength for "${field}"`);
  return limit;
}

export async function generate(document: OpenAPI3): Promise<string> {
  const types = astToString(await openapiTS(document));
  const limits = {
    title: maxLength(document, "/api/{user_id}/tasks", "title"),
    description: maxLength(document, "/api/{user_id}/tasks", "description"),
    message: maxLength(document, "/api/{user_id}/chat", "message"),
  };
  const source =
    `${COMMENT_HEADER}// Regenerate with \`npm run generate:api -w app/frontend\` (tests/tools/api-types.ts).\n\n` +
    `${types}\n` +
    `/** The most characters the API accepts in each text field. */\n` +
    `export const LIMITS = ${JSON.stringify(limits)} as const;\n`;
  return format(source, { ...(await resolveConfig(GENERATED)), filepath: GENERATED });
}

export const checkedIn = () => readFileSync(GENERATED, "utf8");

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(GENERATED, await generate(await fetchOpenApi()));
  console.log(`wrote ${GENERATED}`);
}
