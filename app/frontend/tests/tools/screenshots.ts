// `npm run screenshots`: every screen of the app at desktop (1280×800) and phone (390×844) size, light and
// dark, into docs/screenshots/<screen>-<desktop|phone>-<light|dark>.png (shown in README.md). Starts the
// same stack as the browser tests (tests/e2e/stack.ts); not part of `npm test`, so tests leave docs alone.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { openBrowser } from "../e2e/browser";
import { repoRoot, startStack } from "../e2e/stack";

const OUT = join(repoRoot, "docs/screenshots");
const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;
const SCHEMES = ["light", "dark"] as const;
type Size = keyof typeof SIZES;

/** A screen: how to show it at a size, and (optionally) how to leave it for the next shot. */
type Screen = {
  name: string;
  show: (page: Page, size: Size) => Promise<void>;
  after?: (page: Page) => Promise<void>;
};

const view = (page: Page, name: "Tasks" | "Assistant") =>
  page.getByRole("navigation", { name: "Switch view" }).getByRole("button", { name }).click();

/** Reloads the seeded page and, on a phone, opens one of its two views. */
async function reloadIn(page: Page, size: Size, phoneView: "Tasks" | "Assistant") {
  await page.reload();
  await page.locator(".task-chip").first().waitFor({ state: "attached" });
  if (size === "phone") await view(page, phoneView);
}

async function sendChat(page: Page, text: string) {
  const replies = page.locator(".messages .from-assistant:not(.typing)");
  const before = await replies.count();
  await page.getByLabel("Message the assistant").fill(text);
  await page.getByLabel("Message the assistant").press("Enter");
  await page.waitForFunction(
    (count) => document.querySelectorAll(".messages .from-assistant:not(.typing)").length > count,
    before,
  );
}

async function addTask(page: Page, title: string, description?: string) {
  await page.evaluate(
    async ([title, description]) => {
      const { user } = (await (await fetch("/api/me")).json()) as { user: { id: string } };
      await fetch(`/api/${encodeURIComponent(user.id)}/tasks`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(description ? { title, description } : { title }),
      });
    },
    [title, description] as const,
  );
}

const stack = await startStack();
const browser = await openBrowser(SIZES.desktop);
try {
  mkdirSync(OUT, { recursive: true });
  const page = await browser.context.newPage();
  const shoot = async (screen: Screen) => {
    for (const size of Object.keys(SIZES) as Size[]) {
      for (const scheme of SCHEMES) {
        await page.setViewportSize(SIZES[size]);
        await page.emulateMedia({ colorScheme: scheme, reducedMotion: "reduce" });
        await screen.show(page, size);
        await page.mouse.move(0, 0);
        const path = join(OUT, `${screen.name}-${size}-${scheme}.png`);
        await page.screenshot({ path });
        console.log(`screenshots: ${path}`);
        await screen.after?.(page);
      }
    }
  };

  await shoot({
    name: "sign-in",
    show: async (p) => {
      await p.goto(`${stack.frontendUrl}/sign-in`);
      await p.getByRole("button", { name: "Sign in" }).waitFor();
    },
  });

  // The sign-up form with the password rule, and how it refuses a guessable password (sent once: sign-up is
  // rate-limited per address, and the refusal stays on the page for every size and scheme).
  await shoot({
    name: "sign-up",
    show: async (p) => {
      if (!p.url().endsWith("/sign-up")) {
        await p.goto(`${stack.frontendUrl}/sign-up`);
        await p.getByLabel("Name").fill("Ada Lovelace");
        await p.getByLabel("Email").fill("ada@example.test");
        await p.getByLabel("Password").fill("password1");
        await p.getByRole("button", { name: "Create account" }).click();
      }
      await p.locator("#auth-error").waitFor();
    },
  });

  await page.goto(`${stack.frontendUrl}/sign-up`);
  await page.getByLabel("Name").fill("Ada Lovelace");
  await page.getByLabel("Email").fill(`ada-${Date.now()}@example.test`);
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(`${stack.frontendUrl}/`);

  await shoot({
    name: "new-user",
    show: async (p) => {
      await p.reload();
      await p.getByText("No tasks yet").waitFor();
    },
  });

  await page.setViewportSize(SIZES.desktop);
  await addTask(page, "Renew passport", "Photos from the booth at the station");
  await addTask(page, "Book the dentist");
  await addTask(page, "Write the quarterly report", "Numbers from finance by Thursday");
  await addTask(page, "Call the plumber about the kitchen tap");
  // Urdu script, with ہ and ے (letters system fonts often lack; app/layout.tsx loads a font for them).
  await addTask(page, "بچوں کے لیے کہانی کی کتاب خریدنا");
  await page.reload();
  await sendChat(page, "add a task to buy oat milk");
  await sendChat(page, "show my tasks");
  await sendChat(page, "complete task 2");

  await shoot({
    name: "tasks-and-chat",
    show: async (p, size) => {
      await reloadIn(p, size, "Tasks");
    },
  });

  await shoot({
    name: "chat-chips",
    show: async (p, size) => {
      await reloadIn(p, size, "Assistant");
      await p.locator(".messages").evaluate((list) => (list.scrollTop = list.scrollHeight));
    },
  });

  await shoot({
    name: "chip-highlight",
    show: async (p, size) => {
      await reloadIn(p, size, "Assistant");
      await p.locator("button.task-chip", { hasText: "Book the dentist" }).last().click();
      await p.locator(".task.highlighted").waitFor();
    },
  });

  await shoot({
    name: "add-task",
    show: async (p, size) => {
      await reloadIn(p, size, "Tasks");
      await p.getByLabel("New task title").fill("Pick up the dry cleaning");
      await p.getByLabel("Description (optional)").fill("Ticket is in the blue folder");
      await p.getByLabel("New task title").focus();
    },
  });

  await shoot({
    name: "undo-toast",
    show: async (p, size) => {
      await reloadIn(p, size, "Tasks");
      await p.getByRole("button", { name: "Delete Call the plumber about the kitchen tap" }).click();
      await p.getByRole("button", { name: "Undo" }).waitFor();
    },
    after: (p) => p.getByRole("button", { name: "Undo" }).click(),
  });

  // A change by chat offers Undo; on a phone the toast stays clear of the message box.
  await shoot({
    name: "chat-undo",
    show: async (p, size) => {
      await reloadIn(p, size, "Assistant");
      await sendChat(p, "complete task 4");
      await p.getByRole("button", { name: "Undo" }).waitFor();
    },
    // Undo sends "undo" to the chat: wait for its reply, so the next shot starts from the same list.
    after: async (p) => {
      const replies = await p.locator(".messages .from-assistant:not(.typing)").count();
      await p.getByRole("button", { name: "Undo" }).click();
      await p.waitForFunction(
        (count) => document.querySelectorAll(".messages .from-assistant:not(.typing)").length > count,
        replies,
      );
    },
  });

  // A list asked for in Urdu: the reply and the chips in Urdu script.
  await sendChat(page, "میرے کام دکھائیں");
  await shoot({
    name: "urdu",
    show: async (p, size) => {
      await reloadIn(p, size, "Assistant");
      await p.locator(".messages").evaluate((list) => (list.scrollTop = list.scrollHeight));
    },
  });
} finally {
  await browser.close();
  await stack.stop();
}
