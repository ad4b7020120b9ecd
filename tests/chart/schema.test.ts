// Bad values are refused before anything is rendered, with a message that names the field.
import assert from "node:assert/strict";
import { lintRun, templateRun } from "../support/chart.js";

const SCHEMA_ERROR = /values don't meet the specifications of the schema/;

/**
 * A message names a field as helm's schema validator writes it: dotted up to helm 3.18.4 (gojsonschema), a JSON
 * pointer ("at '/backend/replicaCount'") from 3.18.5 (go.mod: santhosh-tekuri/jsonschema/v6), as the toolchain's
 * helm does.
 */
const names = (message: string, field: string) =>
  message.includes(field) || message.includes(`'/${field.replaceAll(".", "/")}'`);

// [what is wrong, --set arguments, the field the message must name, or a pattern where 3.18.5 words it anew]
const badValues: [string, string[], string | RegExp][] = [
  ["a negative replica count", ["backend.replicaCount=-1"], "backend.replicaCount"],
  ["a replica count that is not a number", ["frontend.replicaCount=two"], "frontend.replicaCount"],
  ["an unknown frontend Service type", ["frontend.service.type=ExternalName"], "frontend.service.type"],
  ["a nodePort outside 30000-32767", ["frontend.service.nodePort=8080"], "frontend.service.nodePort"],
  ["an unknown pull policy", ["backend.image.pullPolicy=Sometimes"], "backend.image.pullPolicy"],
  ["a tag with spaces", ["frontend.image.tag=my tag"], "frontend.image.tag"],
  [
    "an external database without a Secret name or URL",
    ["database.external=true"],
    "database.existingSecret",
  ],
  ["an external database flag that is not a boolean", ["database.external=maybe"], "database.external"],
  ["an invalid Secret name", ["auth.existingSecret=My_Secret"], "auth.existingSecret"],
  ["a BETTER_AUTH_SECRET shorter than 32 characters", ["auth.secret=short"], "auth.secret"],
  ["running as root", ["backend.runAsUser=0"], "backend.runAsUser"],
  ["missing resource limits", ["frontend.resources.limits=null"], "frontend.resources"],
  [
    "an invalid cpu quantity",
    ["postgresql.resources.requests.cpu=fast"],
    "postgresql.resources.requests.cpu",
  ],
  [
    "a CPU target over 100%",
    ["backend.autoscaling.targetCPUUtilizationPercentage=150"],
    "targetCPUUtilizationPercentage",
  ],
  ["an unknown log level", ["backend.logLevel=verbose"], "backend.logLevel"],
  [
    "a database user that cannot go into a URL",
    ["postgresql.auth.username=todo@app"],
    "postgresql.auth.username",
  ],
  ["a CIDR that is not one", ["networkPolicy.externalCidr=everywhere"], "networkPolicy.externalCidr"],
  ["a probe without a handler", ["backend.readinessProbe.httpGet=null"], "backend.readinessProbe"],
  ["an unknown top-level key (a typo)", ["replicas=3"], "replicas"],
  ["an unknown nested key (a typo)", ["backend.image.tags=1.0"], "tags"],
  [
    "an unknown component key (a typo)",
    ["backend.replicas=2"],
    /Additional property replicas|additional properties 'replicas' not allowed/,
  ],
  [
    "a frontend without its Service block",
    ["frontend.service=null"],
    /service is required|missing property 'service'/,
  ],
];

describe("chart schema: bad values are rejected with the field named", function () {
  this.timeout(30_000);

  for (const [what, set, field] of badValues) {
    it(`rejects ${what}`, () => {
      const run = templateRun({ set });
      assert.notEqual(run.status, 0, `helm accepted ${set.join(" ")}`);
      assert.match(run.stderr, SCHEMA_ERROR, `not a schema error:\n${run.stderr}`);
      const named = typeof field === "string" ? names(run.stderr, field) : field.test(run.stderr);
      assert.ok(named, `message does not name ${field}:\n${run.stderr}`);
    });
  }

  it("rejects the latest tag with a message saying what to do", () => {
    for (const key of [
      "backend.image.tag",
      "frontend.image.tag",
      "postgresql.image.tag",
      "tests.image.tag",
    ]) {
      // The test pod's own tag is only used with its own repository.
      const run = templateRun({ set: [`${key}=latest`, "tests.image.repository=node"] });
      assert.notEqual(run.status, 0, `${key}=latest was accepted`);
      assert.match(run.stderr, new RegExp(`${key.replace(/\./g, "\\.")} is "latest": use a fixed tag`));
    }
  });

  it("makes helm lint --strict fail too", () => {
    const run = lintRun({ set: ["frontend.service.type=Public"] });
    assert.notEqual(run.status, 0);
    const output = `${run.stdout}${run.stderr}`;
    assert.ok(names(output, "frontend.service.type"), output);
  });

  it("accepts the same fields when they are right (the cases above fail for their own reason)", () => {
    const run = templateRun({
      set: [
        "backend.replicaCount=0",
        "frontend.service.type=LoadBalancer",
        "frontend.service.nodePort=30001",
        "backend.image.pullPolicy=Never",
        "database.external=true",
        "database.existingSecret=neon-db",
        "auth.secret=0123456789abcdef0123456789abcdef",
        "backend.runAsUser=1500",
        "backend.logLevel=warn",
        "networkPolicy.externalCidr=10.0.0.0/8",
        "postgresql.resources.requests.cpu=0.25",
      ],
    });
    assert.equal(run.status, 0, run.stderr);
  });
});
