// `npm run dev`: the backend (embedded PGlite, offline agent) and the frontend together, zero configuration.
import concurrently from "concurrently";
import { readFileSync } from "node:fs";

const frontend = JSON.parse(readFileSync(new URL("../app/frontend/package.json", import.meta.url), "utf8"));
/** @type {import("concurrently").ConcurrentlyCommandInput[]} */
const commands = [
  {
    name: "backend",
    command: "npm run dev -w app/backend",
    prefixColor: "blue",
    // The frontend's proxy runs on this machine: its X-Forwarded-* (client address, the origin used) count.
    env: { TRUSTED_PROXIES: process.env.TRUSTED_PROXIES ?? "loopback" },
  },
];
if (frontend.scripts?.dev) {
  commands.push({
    name: "frontend",
    command: "npm run dev -w app/frontend",
    prefixColor: "magenta",
    env: { BACKEND_URL: process.env.BACKEND_URL ?? "http://localhost:8000" },
  });
}

const APP = "http://localhost:3000";
const API = "http://localhost:8000";
// The pages a newcomer opens first: `/` sends a signed-out visitor to `/sign-in`.
const FIRST_PAGES = ["/", "/sign-in"];

console.log(
  [
    "",
    "  Todo Chatbot (development)",
    frontend.scripts?.dev ? `  App:      ${APP}` : "",
    `  API:      ${API}  (OpenAPI: ${API}/openapi.json)`,
    "  Database: embedded PGlite in app/backend/.data (set DATABASE_URL for PostgreSQL)",
    "  Agent:    offline (set LLM_API_KEY for a real model)",
    "",
    "  Starting both servers; a line below says when the app answers.",
    "",
  ]
    .filter((line, index, lines) => line !== "" || lines[index - 1] !== "")
    .join("\n"),
);

const { result } = concurrently(commands, { killOthersOn: ["failure", "success"], prefix: "name" });
result.catch(() => process.exit(1));
void announceReady();

/**
 * Prints when each server answers: the API when /ready does; the app once `next dev` has compiled the first pages
 * (it compiles a page on its first request, which takes tens of seconds the first time), so the browser opened
 * after that line gets a page at once.
 */
async function announceReady() {
  const started = performance.now();
  const seconds = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;
  const say = (line) => console.log(`\n[dev] ${line}\n`);
  const api = answered(`${API}/ready`).then(() => say(`API ready at ${API} (${seconds()})`));
  if (!frontend.scripts?.dev) return;
  await answered(`${APP}/healthz`);
  say(
    `App server up; compiling the first pages (${FIRST_PAGES.join(", ")}), about half a minute the first time…`,
  );
  await Promise.all([api, ...FIRST_PAGES.map((path) => answered(`${APP}${path}`))]);
  say(`Ready: open ${APP} (${seconds()})`);
}

/** Resolves once `url` answers without a server error; retries while the server starts or compiles. */
async function answered(url) {
  for (;;) {
    try {
      const response = await fetch(url, { redirect: "manual" });
      await response.arrayBuffer();
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
