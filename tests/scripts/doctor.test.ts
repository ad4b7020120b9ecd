// `npm run doctor` against stand-in CLIs: the real pulumi, minikube, kubectl and docker cannot be installed on
// the test machine (no cluster, no downloads), so small shell scripts answer as they would.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { repoRoot } from "../support/chart.js";

type FakeTools = Partial<Record<"pulumi" | "minikube" | "kubectl" | "docker" | "helm", string>>;

// A healthy machine: Pulumi logged in locally, no stack selected, Minikube up, Docker pointing into it.
const HEALTHY: FakeTools = {
  pulumi: `case "$1" in
    version) echo v3.200.0 ;;
    whoami) echo "User: dev"; echo "Backend URL: file://~" ;;
    config) echo "error: no stack selected" >&2; exit 255 ;;
  esac`,
  minikube: `echo "Running/Running/Running"`,
  kubectl: `echo minikube; echo kind-other`,
  docker: `echo minikube`,
  helm: `echo v3.17.3`,
};

function doctor(tools: FakeTools, env: Record<string, string> = {}) {
  const bin = mkdtempSync(path.join(tmpdir(), "todo-doctor-"));
  try {
    for (const [name, body] of Object.entries(tools)) {
      const file = path.join(bin, name);
      writeFileSync(file, `#!/bin/sh\n${body}\n`);
      chmodSync(file, 0o755);
    }
    const result = spawnSync(process.execPath, [path.join(repoRoot, "scripts", "doctor.mjs")], {
      encoding: "utf8",
      env: { PATH: bin, HOME: bin, ...env },
    });
    return { status: result.status, out: result.stdout + result.stderr };
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
}

describe("npm run doctor (scripts/doctor.mjs)", () => {
  it("passes on a ready machine", () => {
    const { status, out } = doctor(HEALTHY, { MINIKUBE_ACTIVE_DOCKERD: "minikube" });
    assert.equal(status, 0, out);
    assert.match(out, /ok\s+Pulumi CLI\s+v3\.200\.0/);
    assert.match(out, /ok\s+Minikube running/);
    assert.match(out, /ok\s+kubectl context "minikube"/);
    assert.match(out, /Ready: pulumi up/);
  });

  it("names every missing tool with its fix on an empty machine", () => {
    const { status, out } = doctor({});
    assert.equal(status, 1);
    assert.match(out, /FAIL\s+Pulumi CLI\s+not found\n\s+fix: Install the Pulumi CLI/);
    assert.match(
      out,
      /FAIL\s+Minikube running\s+not found\n\s+fix: Install minikube, then run minikube start/,
    );
    assert.match(out, /FAIL\s+kubectl context "minikube"/);
    assert.match(out, /FAIL\s+Docker daemon reachable[^\n]*\n\s+fix: Run eval \$\(minikube docker-env\)/);
    assert.match(out, /warn\s+helm \(optional/);
    assert.match(out, /required checks failed/);
  });

  it("catches a shell that builds into the host's Docker instead of Minikube's", () => {
    const { status, out } = doctor(HEALTHY);
    assert.equal(status, 1);
    assert.match(
      out,
      /FAIL\s+Docker points at Minikube's daemon[^\n]*\n\s+fix: Run eval \$\(minikube docker-env\)/,
    );
  });

  it("asks for a login and a started cluster", () => {
    const { out } = doctor({
      ...HEALTHY,
      pulumi: `case "$1" in version) echo v3.200.0 ;; *) exit 1 ;; esac`,
      minikube: `echo "Stopped/Stopped/Stopped"; exit 7`,
    });
    assert.match(out, /FAIL\s+Pulumi backend login\s+not logged in\n\s+fix: Run pulumi login --local/);
    assert.match(out, /FAIL\s+Minikube running\s+Stopped\/Stopped\/Stopped\n\s+fix: Run minikube start/);
  });

  it("checks the stack's own kube context and skips Minikube and Docker when the stack needs neither", () => {
    const pulumi = `case "$1" in
      version) echo v3.200.0 ;;
      whoami) echo "Backend URL: file://~" ;;
      config) case "$3" in kubeContext) echo staging ;; buildImages) echo false ;; esac ;;
    esac`;
    const { status, out } = doctor({ ...HEALTHY, pulumi });
    assert.equal(status, 1);
    assert.match(out, /FAIL\s+kubectl context "staging"\s+contexts: minikube, kind-other/);
    assert.doesNotMatch(out, /Minikube running|Docker/);
  });
});
