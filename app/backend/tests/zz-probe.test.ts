import { readFileSync } from "node:fs";
import { it } from "vitest";
import { chat, taskStates, useTestApp, userWithTasks, writesOf } from "./support/app.js";
const testApp = useTestApp();
const TASKS = ["Buy milk","Pay rent","Call dad","[x] Renew passport","Fix the car brakes","Book dentist appointment","[x] Pay electricity bill","Walk the dog","Submit tax return","Clean the kitchen","Email Sara the project report","[x] Pick up dry cleaning","Flight to Lahore","Buy birthday gift for Ammi"];
const convs: string[][] = JSON.parse(readFileSync(process.env.PROBE ?? "/tmp/chat9/convs.json", "utf8"));
it("probe", async () => {
  const { app } = testApp();
  const out: string[] = [];
  for (const conv of convs) {
    const user = await userWithTasks(app, TASKS.map((t) => t.replace("[x] ", "")), [4, 7, 12]);
    let id: number | undefined;
    const lines: string[] = [];
    for (const [i, m] of conv.entries()) {
      const a = await chat(app, user, m, id);
      id = a.conversation_id;
      if (i === conv.length - 1) lines.push(`${JSON.stringify(m)} -> ${JSON.stringify(a.response).slice(0, 120)} W=${JSON.stringify(writesOf(a).map((w) => [w.name, w.arguments]))}`);
    }
    out.push(`[${conv.slice(0, -1).join(" | ")}] ${lines.join("")}`);
  }
  console.log("PROBE\n" + out.join("\n"));
}, 300_000);
