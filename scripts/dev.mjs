// `npm run dev`: the backend (embedded PGlite, offline agent) and the frontend together, zero configuration.
import concurrently from "concurrently";
import { readFileSync } from "node:fs";

const frontend = JSON.parse(readFileSync(new URL("../app/frontend/package.json", import.meta.url), "utf8"));
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

console.log(
  [
    "",
    "  Todo Chatbot (development)",
    frontend.scripts?.dev ? "  App:      http://localhost:3000" : "",
    "  API:      http://localhost:8000  (OpenAPI: http://localhost:8000/openapi.json)",
    "  Database: embedded PGlite in app/backend/.data (set DATABASE_URL for PostgreSQL)",
    "  Agent:    offline (set LLM_API_KEY for a real model)",
    "",
  ]
    .filter((line) => line !== "")
    .join("\n") + "\n",
);

const { result } = concurrently(commands, { killOthersOn: ["failure", "success"], prefix: "name" });
result.catch(() => process.exit(1));
