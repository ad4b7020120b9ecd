import { describe, expect, it } from "vitest";
import { createTask, listTasks, signUp, useTestApp, type TestUser } from "./support/app.js";

const testApp = useTestApp();

describe("tasks REST API", () => {
  it("creates, reads, updates, completes and deletes a task", async () => {
    const { app } = testApp();
    const user = await signUp(app);
    const created = await createTask(app, user, "  Buy groceries  ", "milk, eggs");
    expect(created).toMatchObject({ title: "Buy groceries", completed: false });

    const fetched = await app.inject({
      method: "GET",
      url: `/api/${user.id}/tasks/${created.id}`,
      headers: user.headers,
    });
    expect(fetched.statusCode).toBe(200);
    expect(fetched.json()).toMatchObject({ id: created.id, user_id: user.id, description: "milk, eggs" });

    const updated = await app.inject({
      method: "PUT",
      url: `/api/${user.id}/tasks/${created.id}`,
      headers: user.headers,
      payload: { title: "Buy groceries today", description: null },
    });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({
      title: "Buy groceries today",
      description: null,
      completed: false,
    });

    const toggled = await app.inject({
      method: "PATCH",
      url: `/api/${user.id}/tasks/${created.id}/complete`,
      headers: user.headers,
    });
    expect(toggled.json()).toMatchObject({ completed: true });
    const toggledBack = await app.inject({
      method: "PATCH",
      url: `/api/${user.id}/tasks/${created.id}/complete`,
      headers: user.headers,
    });
    expect(toggledBack.json()).toMatchObject({ completed: false });
    const setExplicitly = await app.inject({
      method: "PATCH",
      url: `/api/${user.id}/tasks/${created.id}/complete`,
      headers: user.headers,
      payload: { completed: true },
    });
    expect(setExplicitly.json()).toMatchObject({ completed: true });

    const deleted = await app.inject({
      method: "DELETE",
      url: `/api/${user.id}/tasks/${created.id}`,
      headers: user.headers,
    });
    expect(deleted.statusCode).toBe(204);
    expect(await listTasks(app, user)).toEqual([]);
  });

  it("filters by status and lists newest first", async () => {
    const { app } = testApp();
    const user = await signUp(app);
    const first = await createTask(app, user, "first");
    const second = await createTask(app, user, "second");
    await app.inject({
      method: "PATCH",
      url: `/api/${user.id}/tasks/${first.id}/complete`,
      headers: user.headers,
    });
    expect((await listTasks(app, user)).map((task) => task.id)).toEqual([second.id, first.id]);
    expect((await listTasks(app, user, "pending")).map((task) => task.id)).toEqual([second.id]);
    expect((await listTasks(app, user, "completed")).map((task) => task.id)).toEqual([first.id]);
  });

  it("answers 401 without a session and writes nothing", async () => {
    const { app } = testApp();
    const user = await signUp(app);
    const response = await app.inject({
      method: "POST",
      url: `/api/${user.id}/tasks`,
      payload: { title: "sneaky" },
    });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe("UNAUTHENTICATED");
    expect(await listTasks(app, user)).toEqual([]);
  });
});

describe("bad input gets a 4xx naming the field, and nothing is written", () => {
  const cases: Array<{ name: string; payload: unknown; field: string }> = [
    { name: "missing title", payload: {}, field: "title" },
    { name: "empty title", payload: { title: "   " }, field: "title" },
    { name: "title of the wrong type", payload: { title: 42 }, field: "title" },
    { name: "title too long", payload: { title: "x".repeat(201) }, field: "title" },
    {
      name: "description of the wrong type",
      payload: { title: "ok", description: ["a"] },
      field: "description",
    },
    { name: "unknown field", payload: { title: "ok", priority: "high" }, field: "body" },
    // PostgreSQL cannot store U+0000 in text: it must be refused as bad input, not fail in the database.
    { name: "a NUL character in the title", payload: { title: "milk\u0000" }, field: "title" },
    {
      name: "a NUL character in the description",
      payload: { title: "ok", description: "a\u0000b" },
      field: "description",
    },
  ];
  for (const testCase of cases) {
    it(`POST /tasks with ${testCase.name} -> 400 naming ${testCase.field}`, async () => {
      const { app } = testApp();
      const user = await signUp(app);
      const response = await app.inject({
        method: "POST",
        url: `/api/${user.id}/tasks`,
        headers: user.headers,
        payload: testCase.payload as object,
      });
      expect(response.statusCode).toBe(400);
      const error = response.json().error;
      expect(error.code).toBe("VALIDATION_ERROR");
      expect(error.message).toContain(testCase.field === "body" ? "priority" : testCase.field);
      if (testCase.field !== "body") expect(error.field).toBe(testCase.field);
      expect(await listTasks(app, user)).toEqual([]);
    });
  }

  it("malformed JSON -> 400 INVALID_JSON", async () => {
    const { app } = testApp();
    const user = await signUp(app);
    const response = await app.inject({
      method: "POST",
      url: `/api/${user.id}/tasks`,
      headers: { ...user.headers, "content-type": "application/json" },
      payload: '{"title": "oops",',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe("INVALID_JSON");
    expect(await listTasks(app, user)).toEqual([]);
  });

  it("a body over the limit -> 413 BODY_TOO_LARGE", async () => {
    const { app, config } = testApp();
    const user = await signUp(app);
    const response = await app.inject({
      method: "POST",
      url: `/api/${user.id}/tasks`,
      headers: { ...user.headers, "content-type": "application/json" },
      payload: JSON.stringify({ title: "big", description: "x".repeat(config.BODY_LIMIT_BYTES) }),
    });
    expect(response.statusCode).toBe(413);
    expect(response.json().error.code).toBe("BODY_TOO_LARGE");
    expect(await listTasks(app, user)).toEqual([]);
  });

  it("an id that is not a number -> 400 naming id; an unknown id -> 404", async () => {
    const { app } = testApp();
    const user = await signUp(app);
    const notNumber = await app.inject({
      method: "GET",
      url: `/api/${user.id}/tasks/abc`,
      headers: user.headers,
    });
    expect(notNumber.statusCode).toBe(400);
    expect(notNumber.json().error.field).toBe("id");
    for (const method of ["GET", "PUT", "DELETE"] as const) {
      const response = await app.inject({
        method,
        url: `/api/${user.id}/tasks/999999`,
        headers: user.headers,
        ...(method === "PUT" ? { payload: { title: "x" } } : {}),
      });
      expect(response.statusCode, method).toBe(404);
      expect(response.json().error.message).toContain("999999");
    }
  });

  it("PUT with a NUL character in the title or description -> 400 naming it, task unchanged", async () => {
    const { app } = testApp();
    const user = await signUp(app);
    const task = await createTask(app, user, "keep me");
    for (const field of ["title", "description"]) {
      const response = await app.inject({
        method: "PUT",
        url: `/api/${user.id}/tasks/${task.id}`,
        headers: user.headers,
        payload: { [field]: "bad\u0000value" },
      });
      expect(response.statusCode, field).toBe(400);
      expect(response.json().error).toMatchObject({ code: "VALIDATION_ERROR", field });
      expect(response.json().error.message).toMatch(/U\+0000/);
    }
    expect((await listTasks(app, user))[0]).toMatchObject({ title: "keep me", description: null });
  });

  it("PUT with an empty body -> 400 and the task is unchanged", async () => {
    const { app } = testApp();
    const user = await signUp(app);
    const task = await createTask(app, user, "keep me");
    const response = await app.inject({
      method: "PUT",
      url: `/api/${user.id}/tasks/${task.id}`,
      headers: user.headers,
      payload: {},
    });
    expect(response.statusCode).toBe(400);
    expect((await listTasks(app, user))[0]).toMatchObject({ title: "keep me", completed: false });
  });

  it("status filter with an unknown value -> 400 naming status", async () => {
    const { app } = testApp();
    const user = await signUp(app);
    const response = await app.inject({
      method: "GET",
      url: `/api/${user.id}/tasks?status=done`,
      headers: user.headers,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ field: "status" });
  });
});

describe("GET /tasks pages (limit and cursor), compatible with clients that send neither", () => {
  /** Follows rel="next" links from `url`, returning every page's task titles. */
  async function pages(user: TestUser, url: string) {
    const { app } = testApp();
    const result: string[][] = [];
    for (let next: string | undefined = url; next;) {
      const response = await app.inject({ method: "GET", url: next, headers: user.headers });
      expect(response.statusCode, next).toBe(200);
      expect(Array.isArray(response.json()), next).toBe(true);
      result.push(response.json().map((task: { title: string }) => task.title));
      const link = response.headers.link as string | undefined;
      next = link ? /^<([^>]+)>; rel="next"$/.exec(link)![1] : undefined;
      if (result.length > 10) throw new Error("too many pages");
    }
    return result;
  }

  it("walks every task once, newest first, through rel=next links; no parameters: one page, as before", async () => {
    const { app } = testApp();
    const user = await signUp(app);
    const titles = ["t1", "t2", "t3", "t4", "t5", "t6", "t7"];
    for (const title of titles) await createTask(app, user, title);
    const newestFirst = [...titles].reverse();

    expect(await pages(user, `/api/${user.id}/tasks?limit=3`)).toEqual([
      newestFirst.slice(0, 3),
      newestFirst.slice(3, 6),
      newestFirst.slice(6),
    ]);
    expect(await pages(user, `/api/${user.id}/tasks`)).toEqual([newestFirst]);
    expect(await pages(user, `/api/${user.id}/tasks?limit=7`)).toEqual([newestFirst]);
  });

  it("keeps the status filter across pages, and a deleted cursor task does not end the walk", async () => {
    const { app } = testApp();
    const user = await signUp(app);
    const created = [];
    for (const title of ["a", "b", "c", "d", "e"]) created.push(await createTask(app, user, title));
    await app.inject({
      method: "PATCH",
      url: `/api/${user.id}/tasks/${created[1]!.id}/complete`,
      headers: user.headers,
    });
    expect(await pages(user, `/api/${user.id}/tasks?status=pending&limit=2`)).toEqual([
      ["e", "d"],
      ["c", "a"],
    ]);

    const first = await app.inject({
      method: "GET",
      url: `/api/${user.id}/tasks?limit=2`,
      headers: user.headers,
    });
    await app.inject({
      method: "DELETE",
      url: `/api/${user.id}/tasks/${created[3]!.id}`,
      headers: user.headers,
    });
    const next = /^<([^>]+)>/.exec(first.headers.link as string)![1]!;
    expect(await pages(user, next)).toEqual([["c", "b"], ["a"]]);
  });

  for (const [query, field] of [
    ["limit=0", "limit"],
    ["limit=501", "limit"],
    ["limit=ten", "limit"],
    ["cursor=abc", "cursor"],
    ["cursor=-4", "cursor"],
  ] as const) {
    it(`?${query} -> 400 naming ${field}`, async () => {
      const { app } = testApp();
      const user = await signUp(app);
      const response = await app.inject({
        method: "GET",
        url: `/api/${user.id}/tasks?${query}`,
        headers: user.headers,
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toMatchObject({ code: "VALIDATION_ERROR", field });
    });
  }
});
