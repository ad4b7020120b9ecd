// What step 1 of the cluster suite asks of the deployed app, in real Chromium: a new user signs up, asks the
// assistant to add a task, and the task list shows it. Same selectors as the frontend's own e2e suite.
import { openBrowser } from "../../app/frontend/tests/e2e/browser.js";

/** Signs up a new user at `appUrl`, sends `message` to the assistant, returns the task titles the list shows. */
export async function signUpAndChatInBrowser(
  appUrl: string,
  email: string,
  password: string,
  message: string,
): Promise<string[]> {
  const browser = await openBrowser();
  try {
    const page = await browser.context.newPage();
    await page.goto(`${appUrl}/sign-up`);
    await page.getByLabel("Name").fill("Cluster Test");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(`${appUrl}/`, { timeout: 60_000 });
    const tasks = page.getByRole("region", { name: "Tasks" });
    await tasks.waitFor();
    await page.getByLabel("Message the assistant").fill(message);
    await page.getByLabel("Message the assistant").press("Enter");
    await tasks.locator(".task-title").first().waitFor({ timeout: 30_000 });
    return await tasks.getByRole("list").locator(".task-title").allInnerTexts();
  } finally {
    await browser.close();
  }
}
