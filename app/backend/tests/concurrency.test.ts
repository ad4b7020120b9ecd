import { describe, expect, it } from "vitest";
import { createTask, signUp, useTestApp } from "./support/app.js";

const testApp = useTestApp();

describe("concurrent writes", () => {
  it("parallel toggles of one task lose no update: each sees a distinct state, an even count ends where it began", async () => {
    const { app } = testApp();
    const user = await signUp(app);
    const task = await createTask(app, user, "flip me");
    const toggles = 40;
    const toggle = () =>
      app.inject({
        method: "PATCH",
        url: `/api/${user.id}/tasks/${task.id}/complete`,
        headers: user.headers,
      });
    const responses = await Promise.all(Array.from({ length: toggles }, toggle));
    expect(responses.map((response) => response.statusCode)).toEqual(Array(toggles).fill(200));
    // Serialized toggles alternate: half of them answer completed=true, half completed=false.
    const completed = responses.filter((response) => response.json().completed === true).length;
    expect(completed).toBe(toggles / 2);
    const final = await app.inject({
      method: "GET",
      url: `/api/${user.id}/tasks/${task.id}`,
      headers: user.headers,
    });
    expect(final.json().completed).toBe(false);
  });
});
