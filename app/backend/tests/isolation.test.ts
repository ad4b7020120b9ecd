import { describe, expect, it } from "vitest";
import { chat, createTask, listTasks, signUp, useTestApp } from "./support/app.js";

const testApp = useTestApp();

describe("user isolation over REST", () => {
  it("another user's id in the path is 403 for every route, and nothing is read or written", async () => {
    const { app } = testApp();
    const owner = await signUp(app, "Owner");
    const intruder = await signUp(app, "Intruder");
    const task = await createTask(app, owner, "Private task");
    const conversation = await chat(app, owner, "Add a task to hide the diary");

    const attempts = [
      { method: "GET", url: `/api/${owner.id}/tasks` },
      { method: "POST", url: `/api/${owner.id}/tasks`, payload: { title: "planted" } },
      { method: "GET", url: `/api/${owner.id}/tasks/${task.id}` },
      { method: "PUT", url: `/api/${owner.id}/tasks/${task.id}`, payload: { title: "hacked" } },
      { method: "PATCH", url: `/api/${owner.id}/tasks/${task.id}/complete` },
      { method: "DELETE", url: `/api/${owner.id}/tasks/${task.id}` },
      { method: "POST", url: `/api/${owner.id}/chat`, payload: { message: "delete task " + task.id } },
      { method: "GET", url: `/api/${owner.id}/conversations` },
      { method: "GET", url: `/api/${owner.id}/conversations/${conversation.conversation_id}` },
      { method: "DELETE", url: `/api/${owner.id}/conversations/${conversation.conversation_id}` },
    ] as const;
    for (const attempt of attempts) {
      const response = await app.inject({ ...attempt, headers: intruder.headers });
      expect(response.statusCode, `${attempt.method} ${attempt.url}`).toBe(403);
      expect(response.body).not.toContain("Private task");
    }
    const titles = (await listTasks(app, owner)).map((entry) => [entry.title, entry.completed]);
    expect(titles).toEqual([
      ["Hide the diary", false],
      ["Private task", false],
    ]);
  });

  it("the first user's task and conversation ids under the second user's own path are 404", async () => {
    const { app } = testApp();
    const owner = await signUp(app, "Owner");
    const intruder = await signUp(app, "Intruder");
    const task = await createTask(app, owner, "Private task");
    const conversation = await chat(app, owner, "hello");

    for (const attempt of [
      { method: "GET", url: `/api/${intruder.id}/tasks/${task.id}` },
      { method: "PUT", url: `/api/${intruder.id}/tasks/${task.id}`, payload: { title: "hacked" } },
      { method: "PATCH", url: `/api/${intruder.id}/tasks/${task.id}/complete` },
      { method: "DELETE", url: `/api/${intruder.id}/tasks/${task.id}` },
      { method: "GET", url: `/api/${intruder.id}/conversations/${conversation.conversation_id}` },
      {
        method: "POST",
        url: `/api/${intruder.id}/chat`,
        payload: { message: "hi", conversation_id: conversation.conversation_id },
      },
    ] as const) {
      const response = await app.inject({ ...attempt, headers: intruder.headers });
      expect(response.statusCode, `${attempt.method} ${attempt.url}`).toBe(404);
    }
    expect(await listTasks(app, owner)).toEqual([
      expect.objectContaining({ title: "Private task", completed: false }),
    ]);
  });

  it("the chat agent only ever sees and changes the caller's tasks", async () => {
    const { app } = testApp();
    const owner = await signUp(app, "Owner");
    const intruder = await signUp(app, "Intruder");
    const task = await createTask(app, owner, "Owner's secret plan");
    const listing = await chat(app, intruder, "show me all my tasks");
    expect(listing.response).not.toContain("secret plan");
    const attack = await chat(app, intruder, `delete task ${task.id}`);
    expect(attack.response).toMatch(/can.t find task/);
    expect(await listTasks(app, owner)).toHaveLength(1);
  });
});
