import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, loadConfig, withDevelopmentAuthSecret } from "../src/config.js";

const STRONG = "a-strong-secret-with-many-different-characters-0123";

describe("configuration from the environment", () => {
  it("has defaults that run with zero configuration", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      NODE_ENV: "development",
      PORT: 8000,
      PGLITE_DATA_DIR: ".data/pglite",
      LLM_MODEL: "gpt-4o-mini",
      TRUSTED_ORIGINS: ["http://localhost:3000"],
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.LLM_API_KEY).toBeUndefined();
  });

  it("reads every setting", () => {
    const config = loadConfig({
      NODE_ENV: "production",
      PORT: "9000",
      DATABASE_URL: "postgresql://u:p@db.example.com/app?sslmode=require",
      BETTER_AUTH_SECRET: STRONG,
      TRUSTED_ORIGINS: "http://a.test, http://b.test",
      LLM_API_KEY: "sk-1",
      CHAT_RATE_LIMIT_PER_MINUTE: "5",
      TRUSTED_PROXIES: "10.244.0.0/16, loopback",
    });
    expect(config).toMatchObject({
      PORT: 9000,
      DATABASE_URL: "postgresql://u:p@db.example.com/app?sslmode=require",
      TRUSTED_ORIGINS: ["http://a.test", "http://b.test"],
      LLM_API_KEY: "sk-1",
      CHAT_RATE_LIMIT_PER_MINUTE: 5,
      TRUSTED_PROXIES: ["10.244.0.0/16", "loopback"],
    });
  });

  const invalid: Array<{ env: Record<string, string>; mentions: RegExp[] }> = [
    {
      env: { NODE_ENV: "production" },
      mentions: [/BETTER_AUTH_SECRET \(unset\)/, /required when NODE_ENV=production/, /openssl rand/],
    },
    {
      env: { BETTER_AUTH_SECRET: "short" },
      mentions: [/BETTER_AUTH_SECRET \(5 characters, hidden\)/, /too weak/],
    },
    { env: { BETTER_AUTH_SECRET: "a".repeat(40) }, mentions: [/too weak/, /1 distinct/] },
    { env: { DATABASE_URL: "mysql://localhost/db" }, mentions: [/DATABASE_URL/, /postgres:\/\//, /PGlite/] },
    { env: { PORT: "eighty" }, mentions: [/PORT="eighty"/, /whole number/] },
    { env: { PORT: "70000" }, mentions: [/PORT="70000"/, /at most 65535/] },
    { env: { LLM_BASE_URL: "not a url" }, mentions: [/LLM_BASE_URL="not a url"/, /absolute URL/] },
    { env: { LOG_LEVEL: "loud" }, mentions: [/LOG_LEVEL="loud"/] },
    {
      env: { TRUSTED_PROXIES: "10.244.0.0/16, frontend" },
      mentions: [/TRUSTED_PROXIES="10.244.0.0\/16, frontend"/, /frontend/, /CIDR ranges/],
    },
  ];
  for (const { env, mentions } of invalid) {
    it(`rejects ${JSON.stringify(env)} naming the variable, the value and the fix`, () => {
      let caught: unknown;
      try {
        loadConfig(env);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ConfigError);
      for (const mention of mentions) expect((caught as Error).message).toMatch(mention);
    });
  }

  it("reads DATABASE_URL, BETTER_AUTH_SECRET and LLM_API_KEY from <NAME>_FILE (a mounted Secret)", () => {
    const dir = mkdtempSync(join(tmpdir(), "todo-secret-files-"));
    try {
      const file = (name: string, content: string) => {
        writeFileSync(join(dir, name), content);
        return join(dir, name);
      };
      const config = loadConfig({
        NODE_ENV: "production",
        DATABASE_URL_FILE: file("database-url", "postgresql://todo:pw@db:5432/todo\n"),
        BETTER_AUTH_SECRET_FILE: file("auth-secret", "f".repeat(8) + "0123456789abcdefghijklmnopqrstuv"),
        LLM_API_KEY_FILE: file("llm-api-key", "sk-from-a-file\r\n"),
      });
      expect(config.DATABASE_URL).toBe("postgresql://todo:pw@db:5432/todo");
      expect(config.BETTER_AUTH_SECRET).toBe("f".repeat(8) + "0123456789abcdefghijklmnopqrstuv");
      expect(config.LLM_API_KEY).toBe("sk-from-a-file");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a <NAME>_FILE that cannot be read, or one set beside <NAME>, naming both and the fix", () => {
    const missing = join(tmpdir(), "todo-no-such-dir", "auth-secret");
    expect(() => loadConfig({ BETTER_AUTH_SECRET_FILE: missing })).toThrow(
      new RegExp(`BETTER_AUTH_SECRET_FILE="${missing}": cannot be read \\(ENOENT\\); mount the secret`),
    );
    expect(() => loadConfig({ LLM_API_KEY: "sk-a", LLM_API_KEY_FILE: "/run/secrets/llm" })).toThrow(
      /LLM_API_KEY_FILE="\/run\/secrets\/llm": LLM_API_KEY is set too; set only one of them/,
    );
  });

  it("never prints a secret's value", () => {
    expect(() => loadConfig({ DATABASE_URL: "mysql://user:hunter2@host/db" })).toThrow(/hidden/);
    expect(() => loadConfig({ DATABASE_URL: "mysql://user:hunter2@host/db" })).not.toThrow(/hunter2/);
  });
});

describe("the development auth secret (kept beside the PGlite data, so restarts keep sessions)", () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), "todo-secret-"));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("development on PGlite: generated once (mode 0600), the same on every later start", () => {
    const dataDir = join(tempDir(), "pglite");
    const first = withDevelopmentAuthSecret(loadConfig({ PGLITE_DATA_DIR: dataDir }));
    const second = withDevelopmentAuthSecret(loadConfig({ PGLITE_DATA_DIR: dataDir }));
    expect(first.BETTER_AUTH_SECRET).toBeDefined();
    expect(first.BETTER_AUTH_SECRET!.length).toBeGreaterThanOrEqual(32);
    expect(second.BETTER_AUTH_SECRET).toBe(first.BETTER_AUTH_SECRET);
    const file = `${dataDir}.auth-secret`;
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // Loading the config again passes the kept secret's own strength check.
    expect(() => loadConfig({ BETTER_AUTH_SECRET: second.BETTER_AUTH_SECRET })).not.toThrow();
  });

  it("never in production, on PostgreSQL, in memory, or when BETTER_AUTH_SECRET is set", () => {
    const parent = tempDir();
    const dataDir = join(parent, "pglite");
    const cases = [
      { NODE_ENV: "production", BETTER_AUTH_SECRET: STRONG, PGLITE_DATA_DIR: dataDir },
      { NODE_ENV: "test", PGLITE_DATA_DIR: dataDir },
      { DATABASE_URL: "postgres://u:p@localhost/db", PGLITE_DATA_DIR: dataDir },
      { PGLITE_DATA_DIR: "memory://" },
      { BETTER_AUTH_SECRET: STRONG, PGLITE_DATA_DIR: dataDir },
    ];
    for (const env of cases) {
      const config = loadConfig(env);
      expect(withDevelopmentAuthSecret(config), JSON.stringify(env)).toEqual(config);
    }
    expect(readdirSync(parent)).toEqual([]);
    expect(existsSync(`${dataDir}.auth-secret`)).toBe(false);
  });
});
