// `npm run cluster:deploy`: the default stack on the running cluster, deployed the way a user would (a local
// stack named dev, zero config plus the two stand-in image keys), ending with the app's URL (the frontend's
// NodePort on 127.0.0.1) as the last line, for a browser or an API client. `-- --destroy` removes it.
// The stack lives in $TODO_CLUSTER_DIR/deploy (default ~/.cache/todo-chatbot/cluster-deploy): a copy of the
// project, the file backend and the passphrase file, so `pulumi` commands can be run there by hand too.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { homedir } from "node:os";
import { join } from "node:path";
import { ensureStandInImages, NODE_IMAGE, POSTGRES_IMAGE } from "../stand-in-images.mjs";
import { copyProject, initStack, pulumi, pulumiEnv, stackOutputs } from "../../scripts/pulumi-stack.mjs";
import { binDirs } from "./toolchain.mjs";

const home = process.env.TODO_DEPLOY_DIR ?? join(homedir(), ".cache/todo-chatbot/cluster-deploy");
const project = join(home, "project");
const passphraseFile = join(home, "passphrase");

function environment() {
  mkdirSync(home, { recursive: true });
  if (!existsSync(passphraseFile))
    writeFileSync(passphraseFile, randomBytes(16).toString("hex"), { mode: 0o600 });
  return pulumiEnv({
    stateDir: join(home, "state"),
    passphrase: readFileSync(passphraseFile, "utf8").trim(),
    path: [...binDirs(), process.env.PATH].join(":"),
  });
}

function deploy() {
  const env = environment();
  const fresh = !existsSync(join(project, "Pulumi.yaml"));
  copyProject(project); // the checkout as it is now, so a redeploy picks up your edits
  if (fresh || pulumi(["stack", "select", "dev"], { cwd: project, env, allowFailure: true }).status !== 0) {
    ensureStandInImages();
    initStack({ cwd: project, env, config: { nodeImage: NODE_IMAGE, postgresImage: POSTGRES_IMAGE } });
  } else {
    // copyProject replaced Pulumi.dev.yaml; the stack's settings are set again.
    ensureStandInImages();
    pulumi(["config", "set", "nodeImage", NODE_IMAGE], { cwd: project, env });
    pulumi(["config", "set", "postgresImage", POSTGRES_IMAGE], { cwd: project, env });
  }
  console.log(`pulumi up in ${project} (state in ${join(home, "state")}) ...`);
  const result = pulumi(["up", "--yes", "--skip-preview"], {
    cwd: project,
    env,
    allowFailure: true,
    echo: true,
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
  const outputs = stackOutputs({ cwd: project, env });
  console.log(
    `\nBy hand: cd ${project} && export PULUMI_BACKEND_URL=file://${join(home, "state")} ` +
      `PULUMI_CONFIG_PASSPHRASE_FILE=${passphraseFile}`,
  );
  console.log(`http://127.0.0.1:${outputs.frontendNodePort}`);
}

function destroy() {
  if (!existsSync(join(project, "Pulumi.yaml"))) {
    console.log("nothing deployed (no stack in " + home + ")");
    return;
  }
  const env = environment();
  pulumi(["destroy", "--yes", "--skip-preview", "--stack", "dev"], { cwd: project, env, echo: true });
  pulumi(["stack", "rm", "dev", "--yes"], { cwd: project, env });
  rmSync(home, { recursive: true, force: true });
  console.log("destroyed");
}

try {
  if (process.argv.includes("--destroy")) destroy();
  else deploy();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
