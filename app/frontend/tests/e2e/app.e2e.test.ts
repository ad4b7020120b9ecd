// One user's journey through the real app (built frontend -> proxy -> real backend -> PGlite),
// then a second user in a separate browser profile who must see none of it. The steps run in
// order and share the first user's browser.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { rawRequest } from "../unit/frontServer";
import { seriousViolations } from "./axe";
import { assertChromiumInstalled, openBrowser, type Session } from "./browser";
import { standaloneSize, startStack, type Stack } from "./stack";

// The README's screenshots come from `npm run screenshots` (tests/tools/screenshots.ts), not from this suite.
const PASSWORD = "correct horse battery";
const userA = { name: "Ada Lovelace", email: `ada-${Date.now()}@example.test` };
const userB = { name: "Grace Hopper", email: `grace-${Date.now()}@example.test` };

let stack: Stack;
let browserA: Session;
let page: Page;
let milkTaskId = 0;
let setupError: unknown;

// Every Content-Security-Policy complaint Chromium logs on the app's pages during the flow: the policy must not
// block anything the app itself does (checked by the last test).
const cspViolations: string[] = [];
function watchCsp(p: Page) {
  p.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(`${p.url()}: ${message.text()}`);
  });
  return p;
}

beforeAll(async () => {
  try {
    assertChromiumInstalled(); // fail with the fix before spending minutes on builds
    stack = await startStack();
    browserA = await openBrowser();
    page = watchCsp(await browserA.context.newPage());
  } catch (error) {
    setupError = error; // reported by every test below, so none of them counts as merely skipped
  }
});

beforeEach(({ onTestFailed }) => {
  if (setupError) throw setupError;
  // When a step fails, the servers' own output usually says why.
  onTestFailed(() => console.log(`e2e: server output\n${stack?.logs() ?? "(stack not started)"}`));
});

afterAll(async () => {
  await browserA?.close();
  await stack?.stop();
});

const taskList = (p: Page) => p.getByRole("region", { name: "Tasks" }).getByRole("list");
const taskTitles = (p: Page) => taskList(p).locator(".task-title").allInnerTexts();
const chatMessages = (p: Page) => p.getByRole("list", { name: "Messages" });
/** A message bubble with exactly this text (not the look-alike suggestion chips). */
const bubble = (p: Page, text: string) =>
  chatMessages(p)
    .locator(".bubble")
    .filter({ hasText: new RegExp(`^${text}$`) });

/** The chip for a task in the newest reply, e.g. "#3 buy milk Added". */
const chip = (p: Page, name: RegExp) =>
  chatMessages(p)
    .locator(".from-assistant")
    .last()
    .getByRole("list", { name: "Tasks in this reply" })
    .getByText(name);
const toast = (p: Page) => p.locator(".toast");
/**
 * Waits for the toast saying `text` and rests the pointer on it, which stops its countdown as it does for a
 * person (useUndo.ts): the next steps may take longer than the toast's seconds on a loaded machine.
 */
async function holdToast(p: Page, text: string | RegExp) {
  await toast(p).getByText(text).waitFor();
  await toast(p).hover();
}
const switchTo = (p: Page, name: "Tasks" | "Assistant") =>
  p.getByRole("navigation", { name: "Switch view" }).getByRole("button", { name }).click();

/** Adds a task with the form and waits until it is saved (it has its number from the backend). */
async function addFromList(p: Page, title: string) {
  await p.getByLabel("New task title").fill(title);
  await p.getByLabel("New task title").press("Enter");
  const item = taskList(p).locator("li", { hasText: title });
  await item.locator(".task-id").waitFor();
  return item;
}

async function sendChat(p: Page, text: string) {
  const replies = chatMessages(p).locator(".from-assistant:not(.typing)");
  const before = await replies.count();
  await p.getByLabel("Message the assistant").fill(text);
  await p.getByLabel("Message the assistant").press("Enter");
  await expect.poll(() => replies.count()).toBe(before + 1);
  return replies.last();
}

async function signUp(p: Page, user: { name: string; email: string }) {
  await p.goto(`${stack.frontendUrl}/sign-up`);
  await p.getByLabel("Name").fill(user.name);
  await p.getByLabel("Email").fill(user.email);
  await p.getByLabel("Password").fill(PASSWORD);
  await p.getByRole("button", { name: "Create account" }).click();
  await p.waitForURL(`${stack.frontendUrl}/`);
  await p.getByRole("region", { name: "Tasks" }).waitFor();
}

describe("the todo chatbot in a real browser", () => {
  it("answers an unknown address with the app's own 404 page", async () => {
    const response = await page.goto(`${stack.frontendUrl}/no-such-page`);
    expect(response?.status()).toBe(404);
    await page.getByRole("heading", { name: "Page not found" }).waitFor();
  });

  it("sends a signed-out visitor to sign-in", async () => {
    await page.goto(`${stack.frontendUrl}/`);
    await page.waitForURL(`${stack.frontendUrl}/sign-in`);
    await expect.poll(() => page.getByRole("heading", { name: "Sign in" }).isVisible()).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it("signs up through the proxy and shows the empty states and the offline assistant", async () => {
    await signUp(page, userA);
    await page.getByText("No tasks yet").waitFor();
    expect(await page.getByText("Offline assistant").isVisible()).toBe(true);
    expect(await page.getByRole("banner").getByText(userA.name).isVisible()).toBe(true);
    expect(await page.getByText("Manage your list by chatting").isVisible()).toBe(true);
    expect(await page.getByRole("button", { name: "What's on my list?" }).isVisible()).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it("adds a task from the list", async () => {
    await page.getByLabel("New task title").fill("Write the report");
    await page.getByLabel("New task title").press("Enter");
    await page.getByRole("checkbox", { name: "Write the report" }).waitFor();
    // Saved, not just shown: it got its number from the backend.
    await expect.poll(() => taskList(page).locator(".task-id").count()).toBe(1);
  });

  it("adds a task by chat and the list shows it", async () => {
    await sendChat(page, "add a task to buy milk");
    const milk = page.getByRole("checkbox", { name: /buy milk/i });
    await milk.waitFor();
    expect(await milk.isChecked()).toBe(false);

    const item = taskList(page).locator("li", { has: milk });
    milkTaskId = Number((await item.locator(".task-id").innerText()).replace("#", ""));
    expect(milkTaskId).toBeGreaterThan(0);
    // The reply shows the task it added as a chip with the same number, and names no internal tool.
    expect(await chip(page, new RegExp(`^#${milkTaskId} buy milk Added$`, "i")).count()).toBe(1);
    expect(
      await chatMessages(page)
        .getByText(/add_task/)
        .count(),
    ).toBe(0);
  });

  it("completes the task by chat, by its number", async () => {
    await sendChat(page, `mark task ${milkTaskId} as complete`);
    expect(await chip(page, new RegExp(`^#${milkTaskId} buy milk Completed$`, "i")).count()).toBe(1);
    // A reply that completed a task offers to undo it.
    await toast(page).getByText(`Completed #${milkTaskId}`).waitFor();
    await expect.poll(() => page.getByRole("checkbox", { name: /buy milk/i }).isChecked()).toBe(true);
    expect(await page.getByRole("checkbox", { name: "Write the report" }).isChecked()).toBe(false);
  });

  it("filters pending and completed tasks", async () => {
    await page.getByRole("button", { name: /^Pending/ }).click();
    expect(await taskTitles(page)).toEqual(["Write the report"]);
    await page.getByRole("button", { name: /^Completed/ }).click();
    expect((await taskTitles(page)).map((title) => title.toLowerCase())).toEqual(["buy milk"]);
    await page.getByRole("button", { name: /^All/ }).click();
    expect(await taskTitles(page)).toHaveLength(2);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it("shows the task a chip points at: lit in the list, focused, whatever the filter", async () => {
    await page.getByRole("button", { name: /^Pending/ }).click();
    await chip(page, /buy milk Completed/i).click();
    const milk = page.getByRole("checkbox", { name: /buy milk/i });
    await expect.poll(() => milk.evaluate((box) => box === document.activeElement)).toBe(true);
    expect(
      await taskList(page)
        .locator(".task.highlighted")
        .getByText(/buy milk/i)
        .count(),
    ).toBe(1);
    expect(await page.getByRole("button", { name: /^All/ }).getAttribute("aria-pressed")).toBe("true");
  });

  it("completes from the list behind an Undo toast, and Undo reopens the task on the server", async () => {
    const report = page.getByRole("checkbox", { name: "Write the report" });
    await report.check();
    await holdToast(page, /^Completed #\d+ “Write the report”$/);
    expect(await seriousViolations(page)).toEqual([]);
    await toast(page).getByRole("button", { name: "Undo" }).click();
    await expect.poll(() => report.isChecked()).toBe(false);
    await page.reload();
    await report.waitFor();
    expect(await report.isChecked()).toBe(false);
  });

  it("deletes from the list without asking, Undo keeps the task, and the toast running out deletes it", async () => {
    const item = await addFromList(page, "Throw away");

    const number = await item.locator(".task-id").innerText();
    await page.getByRole("button", { name: "Delete Throw away" }).click();
    await holdToast(page, `Deleted ${number} “Throw away”`);
    expect(await item.count()).toBe(0);
    await toast(page).getByRole("button", { name: "Undo" }).click();
    await item.waitFor();
    await page.reload();
    await item.waitFor(); // never deleted on the server

    // Nothing touches the page now: only the toast running out can send the DELETE.
    const deleted = page.waitForResponse((answer) => answer.request().method() === "DELETE");
    await page.getByRole("button", { name: "Delete Throw away" }).click();
    await toast(page).waitFor();
    expect((await deleted).status()).toBe(204);
    await toast(page).waitFor({ state: "detached" });
    await page.reload();
    await page.getByRole("checkbox", { name: "Write the report" }).waitFor();
    expect(await item.count()).toBe(0);
  });

  it("resumes the conversation after a reload and lists it in the history", async () => {
    await page.reload();
    await bubble(page, "add a task to buy milk").waitFor();
    expect(await bubble(page, `mark task ${milkTaskId} as complete`).count()).toBe(1);

    const fcp = await page.evaluate(
      () => performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? -1,
    );
    console.log(`e2e: first contentful paint of / after reload: ${fcp.toFixed(0)} ms`);
    expect(fcp).toBeGreaterThan(0);

    await page.getByRole("button", { name: "History" }).click();
    const history = page.getByRole("list", { name: "Past conversations" });
    await history.waitFor();
    expect(await history.getByRole("listitem").count()).toBe(1);
    expect(await history.locator('[aria-current="true"]').count()).toBe(1);

    // A new chat, then reopen the old one from the history.
    await page.getByRole("button", { name: "New chat" }).click();
    expect(await bubble(page, "add a task to buy milk").count()).toBe(0);
    await page.getByRole("button", { name: "History" }).click();
    await history.getByRole("button").first().click();
    await bubble(page, "add a task to buy milk").waitFor();
  });

  it("on a phone, shows tasks or the assistant with a switch, 44 px targets and no sideways scrolling", async () => {
    const phone = watchCsp(await browserA.context.newPage());
    try {
      await phone.setViewportSize({ width: 390, height: 844 });
      await phone.goto(`${stack.frontendUrl}/`);
      const report = phone.getByRole("checkbox", { name: "Write the report" });
      await report.waitFor();
      const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      const input = phone.getByLabel("Message the assistant");
      expect(await input.isVisible()).toBe(false);
      // Every button on the screen is at least 44 px high, and icon buttons 44 px wide.
      const small = await phone.evaluate(() =>
        [...document.querySelectorAll("button")]
          .filter((button) => button.offsetParent !== null)
          .map((button) => ({
            name: button.getAttribute("aria-label") ?? button.textContent,
            box: button.getBoundingClientRect(),
          }))
          .filter(({ box }) => box.height < 44 || box.width < 44)
          .map(({ name, box }) => `${name} ${Math.round(box.width)}×${Math.round(box.height)}`),
      );
      expect(small).toEqual([]);
      expect(await seriousViolations(phone)).toEqual([]);

      await switchTo(phone, "Assistant");
      expect(await input.isVisible()).toBe(true);
      expect(await report.isVisible()).toBe(false);
      expect(await seriousViolations(phone)).toEqual([]);

      // The header says who is signed in.
      expect(await phone.getByRole("banner").getByText(userA.name).isVisible()).toBe(true);

      // A change by chat offers Undo where it does not cover the message box.
      const added = await sendChat(phone, "add a task to check the phone toast");
      const addedNumber = (await added.locator(".task-chip-id").innerText()).replace("#", "");
      await sendChat(phone, `delete task ${addedNumber}`);
      await holdToast(phone, new RegExp(`^Deleted #${addedNumber} “check the phone toast”$`, "i"));
      const [toastBox, composerBox] = await Promise.all([
        toast(phone).boundingBox(),
        phone.locator(".composer").boundingBox(),
      ]);
      expect(toastBox!.y).toBeGreaterThanOrEqual(0);
      const apart =
        toastBox!.y + toastBox!.height <= composerBox!.y ||
        toastBox!.y >= composerBox!.y + composerBox!.height;
      expect(
        apart,
        `toast ${JSON.stringify(toastBox)} over the message box ${JSON.stringify(composerBox)}`,
      ).toBe(true);

      // A chip in a reply goes back to the list, at the task.
      await sendChat(phone, "show my tasks");
      await chip(phone, /Write the report Pending/).click();
      await report.waitFor();
      expect(await input.isVisible()).toBe(false);
      await phone.locator(".task.highlighted", { hasText: "Write the report" }).waitFor();
    } finally {
      await phone.close();
    }
  });

  it("shows a second user none of the first user's tasks or conversations", async () => {
    const firstUserId = await page.evaluate(
      async () => ((await (await fetch("/api/me")).json()) as { user: { id: string } }).user.id,
    );
    const browserB = await openBrowser();
    try {
      const pageB = watchCsp(await browserB.context.newPage());
      await signUp(pageB, userB);
      await pageB.getByText("No tasks yet").waitFor();
      expect(await pageB.getByRole("region", { name: "Tasks" }).getByRole("listitem").count()).toBe(0);
      expect(await chatMessages(pageB).locator(".bubble").count()).toBe(0);
      await pageB.getByRole("button", { name: "History" }).click();
      await pageB.getByText("No past conversations yet.").waitFor();

      const status = await pageB.evaluate(
        async (id) => (await fetch(`/api/${encodeURIComponent(id)}/tasks`)).status,
        firstUserId,
      );
      expect(status).toBe(403);
    } finally {
      await browserB.close();
    }
  });

  it("signs out, keeps signed-out visitors out, and signs back in", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${stack.frontendUrl}/sign-in`);
    await page.goto(`${stack.frontendUrl}/`);
    await page.waitForURL(`${stack.frontendUrl}/sign-in`);
    // This browser has signed in before (a first visit was greeted with "Sign in").
    await page.getByRole("heading", { name: "Welcome back" }).waitFor();

    await page.getByLabel("Password").fill("not the password");
    await page.getByLabel("Email").fill(userA.email);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").waitFor();
    expect(page.url()).toBe(`${stack.frontendUrl}/sign-in`);

    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${stack.frontendUrl}/`);
    await page.getByRole("checkbox", { name: "Write the report" }).waitFor();
  });

  it("completes, edits and deletes from the list, and the backend keeps each change", async () => {
    await addFromList(page, "Call the plumber");

    await page.getByRole("checkbox", { name: "Call the plumber" }).check();
    await page.reload();
    await expect.poll(() => page.getByRole("checkbox", { name: "Call the plumber" }).isChecked()).toBe(true);
    await page.getByRole("checkbox", { name: "Call the plumber" }).uncheck();

    await page.getByRole("button", { name: "Edit Call the plumber" }).click();
    await page.getByLabel("Title", { exact: true }).fill("Call the plumber at 9");
    await page.getByLabel("Description", { exact: true }).fill("About the kitchen tap");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("About the kitchen tap").waitFor();
    await page.reload();
    const renamed = page.getByRole("checkbox", { name: "Call the plumber at 9" });
    await renamed.waitFor();
    expect(await renamed.isChecked()).toBe(false);
    expect(await page.getByText("About the kitchen tap").count()).toBe(1);

    await page.getByRole("button", { name: "Delete Call the plumber at 9" }).click();
    await expect.poll(() => renamed.count()).toBe(0);
    await page.reload();
    await page.getByRole("checkbox", { name: "Write the report" }).waitFor();
    expect(await page.getByRole("checkbox", { name: "Call the plumber at 9" }).count()).toBe(0);
  });

  it("deletes by chat, and the reply's Undo asks the assistant to put the task back under its number", async () => {
    await addFromList(page, "Water the ferns");
    const ferns = page.getByRole("checkbox", { name: "Water the ferns" });
    const number = Number(
      (await taskList(page).locator("li", { has: ferns }).locator(".task-id").innerText()).replace("#", ""),
    );
    await sendChat(page, `delete task ${number}`);
    await holdToast(page, `Deleted #${number}`);
    await expect.poll(() => ferns.count()).toBe(0);
    await toast(page).getByRole("button", { name: "Undo" }).click();
    // The Undo sent "undo" to the conversation: the backend restored the task with its number.
    await expect.poll(() => ferns.count()).toBe(1);
    await page.reload();
    await ferns.waitFor();
    expect(await taskList(page).locator("li", { has: ferns }).locator(".task-id").innerText()).toBe(
      `#${number}`,
    );
    // Leave the list as the next steps expect it, once the reloaded page shows the conversation again:
    // sendChat counts the replies before it sends, and a history arriving after that count is not its reply.
    await expect
      .poll(() => chatMessages(page).locator(".from-assistant:not(.typing)").count())
      .toBeGreaterThan(0);
    await sendChat(page, `delete task ${number}`);
    await expect.poll(() => ferns.count()).toBe(0);
  });

  it("answers a body over 2 MB with the backend's 413, not 502, to the browser and to a fast client", async () => {
    const { userId, statuses } = await page.evaluate(async () => {
      const { user } = (await (await fetch("/api/me")).json()) as { user: { id: string } };
      const body = JSON.stringify({ title: "x".repeat(3 * 1024 * 1024) });
      const answers: number[] = [];
      // Several rounds: without the fix, whether the answer or the broken pipe wins is a race.
      for (let round = 0; round < 5; round += 1) {
        const answer = await fetch(`/api/${encodeURIComponent(user.id)}/tasks`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
        });
        answers.push(answer.status);
      }
      return { userId: user.id, statuses: answers };
    });
    expect(statuses).toEqual([413, 413, 413, 413, 413]);

    // A client that sends as fast as the connection takes it loses that race far more often than Chromium.
    const cookie = (await browserA.context.cookies(stack.frontendUrl))
      .map(({ name, value }) => `${name}=${value}`)
      .join("; ");
    const bodySize = 5 * 1024 * 1024;
    for (let round = 1; round <= 3; round += 1) {
      const answer = await rawRequest(`${stack.frontendUrl}/api/${encodeURIComponent(userId)}/tasks`, {
        method: "POST",
        headers: {
          cookie,
          origin: stack.frontendUrl,
          "content-type": "application/json",
          "content-length": String(bodySize),
        },
        bodySize,
      });
      expect(answer.status, `round ${round}: ${answer.body}`).toBe(413);
      expect(JSON.parse(answer.body).error.code).toBe("BODY_TOO_LARGE");
    }
  });

  it("answers TRACE with 405 and a path with a broken %-escape with 400", async () => {
    const trace = await rawRequest(`${stack.frontendUrl}/api/me`, { method: "TRACE" }); // fetch cannot send TRACE
    expect(trace.status).toBe(405);
    expect(trace.headers.allow?.split(", ")).toEqual(expect.arrayContaining(["GET", "POST", "DELETE"]));
    const broken = await page.evaluate(async () => {
      const answer = await fetch("/api/%zz/tasks");
      return { status: answer.status, body: (await answer.json()) as { error: { message: string } } };
    });
    expect(broken.status).toBe(400);
    expect(broken.body.error.message).toContain("%zz");
  });

  it("cannot be framed by a page on another origin", async () => {
    // A page on another origin (another port) that puts the app in an iframe, as a clickjacking page would.
    const framer = http.createServer((_req, res) => {
      res.setHeader("content-type", "text/html");
      res.end(
        `<!doctype html><iframe src="${stack.frontendUrl}/sign-in" onload="document.body.dataset.loaded = 1"></iframe>`,
      );
    });
    await new Promise<void>((resolve) => framer.listen(0, "127.0.0.1", resolve));
    const outsider = await browserA.context.newPage(); // not watched: refusing the frame is logged as a CSP error
    try {
      await outsider.goto(`http://localhost:${(framer.address() as AddressInfo).port}/`);
      await outsider.locator("body[data-loaded]").waitFor({ state: "attached" });
      const frame = outsider.frames().find((candidate) => candidate !== outsider.mainFrame())!;
      expect(frame.url()).not.toContain(stack.frontendUrl);
      expect(await frame.getByRole("button", { name: "Sign in" }).count()).toBe(0);
    } finally {
      await outsider.close();
      framer.closeAllConnections();
      framer.close();
    }
  });

  it("does not run an inline event handler injected into the page", async () => {
    await page.goto(`${stack.frontendUrl}/`);
    await page.getByRole("checkbox", { name: "Write the report" }).waitFor();
    const before = cspViolations.length;
    const refused = page
      .waitForEvent("console", { predicate: (message) => /Content Security Policy/i.test(message.text()) })
      .then(
        () => true,
        () => false,
      );
    const ran = await page.evaluate(async () => {
      const probe = window as unknown as { injectedRan?: boolean };
      document.body.insertAdjacentHTML("beforeend", '<img src="data:," onerror="window.injectedRan = true">');
      await new Promise((resolve) => setTimeout(resolve, 200));
      return probe.injectedRan === true;
    });
    expect(ran).toBe(false);
    expect(await refused, "Chromium names the Content-Security-Policy as the reason").toBe(true);
    cspViolations.splice(before); // the refusal this test provoked is not a defect of the app
  });

  it("says clearly when the backend is unreachable", async () => {
    await stack.stopBackend();
    await page.reload();
    await page.getByText("Can’t reach the server.").waitFor();
    const response = await page.evaluate(async () => {
      const answer = await fetch("/api/me");
      return { status: answer.status, body: (await answer.json()) as { error: { code: string } } };
    });
    expect(response.status).toBe(502);
    expect(response.body.error.code).toBe("BACKEND_UNREACHABLE");
    const health = await fetch(`${stack.frontendUrl}/healthz`);
    expect(health.status).toBe(200);
  });

  it("broke no Content-Security-Policy rule on the way (the policy blocks nothing the app does)", () => {
    expect(cspViolations).toEqual([]);
  });

  // Only when the suite built and started the frontend itself: an external one has no local build output.
  it.skipIf(Boolean(process.env.E2E_BASE_URL))("reports the size of the standalone output", () => {
    const size = standaloneSize();
    console.log(`e2e: standalone output (.next/standalone) is ${size}`);
    expect(size).toMatch(/^\d/);
  });
});
