import { describe, expect, it } from "vitest";
import { chat, createTask, listTasks, postChat, signUp, useTestApp, userWithTasks } from "./support/app.js";

const testApp = useTestApp();
const toolNames = (answer: { tool_calls: Array<{ name: string }> }) =>
  answer.tool_calls.map((call) => call.name);

describe("offline agent: the spec's phrases change the database as asked", () => {
  it('"Add a task to buy groceries" creates the task', async () => {
    const { app } = testApp();
    const user = await signUp(app);
    const answer = await chat(app, user, "Add a task to buy groceries");
    expect(answer.tool_calls).toEqual([
      {
        name: "add_task",
        arguments: { title: "Buy groceries" },
        result: expect.objectContaining({ status: "created", title: "Buy groceries" }),
      },
    ]);
    expect(answer.response).toContain("Buy groceries");
    expect((await listTasks(app, user)).map((task) => task.title)).toEqual(["Buy groceries"]);
  });

  it('"I need to remember to pay bills" creates "Pay bills"', async () => {
    const { app } = testApp();
    const user = await signUp(app);
    const answer = await chat(app, user, "I need to remember to pay bills");
    expect(toolNames(answer)).toEqual(["add_task"]);
    expect((await listTasks(app, user)).map((task) => task.title)).toEqual(["Pay bills"]);
  });

  it('"Show me all my tasks" lists every task, "What\'s pending?" the open ones, "What have I completed?" the done ones', async () => {
    const { app } = testApp();
    const user = await signUp(app);
    const open = await createTask(app, user, "Water the plants");
    const done = await createTask(app, user, "File taxes");
    await app.inject({
      method: "PATCH",
      url: `/api/${user.id}/tasks/${done.id}/complete`,
      headers: user.headers,
    });

    const all = await chat(app, user, "Show me all my tasks");
    expect(all.tool_calls[0]).toMatchObject({ name: "list_tasks", arguments: { status: "all" } });
    expect(all.response).toContain("Water the plants");
    expect(all.response).toContain("File taxes");

    const pending = await chat(app, user, "What's pending?");
    expect(pending.tool_calls[0]).toMatchObject({ name: "list_tasks", arguments: { status: "pending" } });
    expect(pending.response).toContain(`${open.id}: Water the plants`);
    expect(pending.response).not.toContain("File taxes");

    const completed = await chat(app, user, "What have I completed?");
    expect(completed.tool_calls[0]).toMatchObject({ name: "list_tasks", arguments: { status: "completed" } });
    expect(completed.response).toContain("File taxes");
    expect(completed.response).not.toContain("Water the plants");
  });

  it('"Mark task N as complete" completes exactly that task', async () => {
    const { app } = testApp();
    const user = await signUp(app);
    const target = await createTask(app, user, "Call the bank");
    const other = await createTask(app, user, "Walk the dog");
    const answer = await chat(app, user, `Mark task ${target.id} as complete`);
    expect(answer.tool_calls).toEqual([
      {
        name: "complete_task",
        arguments: { task_id: target.id },
        result: expect.objectContaining({ status: "completed" }),
      },
    ]);
    const tasks = await listTasks(app, user);
    expect(tasks.find((task) => task.id === target.id)?.completed).toBe(true);
    expect(tasks.find((task) => task.id === other.id)?.completed).toBe(false);
  });

  it('"Delete the meeting task" looks the task up by title, then deletes only it', async () => {
    const { app } = testApp();
    const user = await signUp(app);
    await createTask(app, user, "Prepare slides");
    const meeting = await createTask(app, user, "Team meeting at 10");
    const answer = await chat(app, user, "Delete the meeting task");
    expect(toolNames(answer)).toEqual(["list_tasks", "delete_task"]);
    expect(answer.tool_calls[1]!.arguments).toEqual({ task_id: meeting.id });
    expect((await listTasks(app, user)).map((task) => task.title)).toEqual(["Prepare slides"]);
  });

  it("\"Change task 1 to 'Call mom tonight'\" renames it", async () => {
    const { app } = testApp();
    const user = await signUp(app);
    const task = await createTask(app, user, "Call mom");
    const answer = await chat(app, user, `Change task ${task.id} to 'Call mom tonight'`);
    expect(answer.tool_calls[0]).toMatchObject({
      name: "update_task",
      arguments: { task_id: task.id, title: "Call mom tonight" },
    });
    expect((await listTasks(app, user))[0]!.title).toBe("Call mom tonight");
  });

  it("asks which task when a title matches several, and changes nothing", async () => {
    const { app } = testApp();
    const user = await signUp(app);
    await createTask(app, user, "Email Sam");
    await createTask(app, user, "Email Alex");
    const answer = await chat(app, user, "delete the email task");
    expect(toolNames(answer)).toEqual(["list_tasks"]);
    expect(answer.response).toMatch(/which one/i);
    expect(await listTasks(app, user)).toHaveLength(2);
  });

  it("says so when the task does not exist, and changes nothing", async () => {
    const { app } = testApp();
    const user = await signUp(app);
    const task = await createTask(app, user, "Only task");
    const byNumber = await chat(app, user, "mark task 999999 as done");
    expect(byNumber.response).toMatch(/can't find task 999999/);
    const byTitle = await chat(app, user, "delete the dentist task");
    expect(byTitle.response).toMatch(/couldn't find a task about "dentist"/);
    expect(await listTasks(app, user)).toEqual([expect.objectContaining({ id: task.id, completed: false })]);
  });

  it("answers helpfully, without tools, when it does not understand", async () => {
    const { app } = testApp();
    const user = await signUp(app);
    const answer = await chat(app, user, "what is the meaning of life, the universe and everything");
    expect(answer.tool_calls).toEqual([]);
    expect(answer.response).toMatch(/didn't understand/);
    // A short offer of three examples, not a wall of text.
    expect(answer.response.match(/"[^"]+"/g)).toHaveLength(3);
    expect(answer.response.split("\n").length).toBeLessThanOrEqual(2);
    expect(await listTasks(app, user)).toEqual([]);
  });
});

describe("offline agent: paraphrases", () => {
  const additions: Array<[string, string]> = [
    ["add buy milk to my list", "Buy milk"],
    ["Please create a new task: call the plumber", "Call the plumber"],
    ["remind me to renew my passport", "Renew my passport"],
    ["new todo walk the dog", "Walk the dog"],
    ["Could you add 'Book flights' please?", "Book flights"],
    ["I have to return the library books", "Return the library books"],
    ["don't let me forget to water the plants", "Water the plants"],
    ["Hey, add a reminder to stretch", "Stretch"],
  ];
  for (const [phrase, title] of additions) {
    it(`"${phrase}" adds "${title}"`, async () => {
      const { app } = testApp();
      const user = await signUp(app);
      const answer = await chat(app, user, phrase);
      expect(toolNames(answer)).toEqual(["add_task"]);
      expect((await listTasks(app, user)).map((task) => task.title)).toEqual([title]);
    });
  }

  it("adds a description when one is given", async () => {
    const { app } = testApp();
    const user = await signUp(app);
    await chat(app, user, "add a task to buy groceries with description milk, eggs and bread");
    expect(await listTasks(app, user)).toEqual([
      expect.objectContaining({ title: "Buy groceries", description: "milk, eggs and bread" }),
    ]);
  });

  const completions = [
    "complete task {id}",
    "I finished task {id}",
    "task {id} is done",
    "mark #{id} done",
    "check off task {id}",
    "done with task number {id}",
  ];
  for (const phrase of completions) {
    it(`"${phrase}" completes the task`, async () => {
      const { app } = testApp();
      const user = await signUp(app);
      const task = await createTask(app, user, "Pay rent");
      const answer = await chat(app, user, phrase.replace("{id}", String(task.id)));
      expect(toolNames(answer)).toEqual(["complete_task"]);
      expect((await listTasks(app, user))[0]!.completed).toBe(true);
    });
  }

  it('"complete buy milk" finds the task by title', async () => {
    const { app } = testApp();
    const user = await signUp(app);
    await createTask(app, user, "Buy milk");
    await createTask(app, user, "Buy bread");
    const answer = await chat(app, user, "complete buy milk");
    expect(toolNames(answer)).toEqual(["list_tasks", "complete_task"]);
    const tasks = await listTasks(app, user);
    expect(tasks.find((task) => task.title === "Buy milk")?.completed).toBe(true);
    expect(tasks.find((task) => task.title === "Buy bread")?.completed).toBe(false);
  });

  const listings: Array<[string, "all" | "pending" | "completed"]> = [
    ["list my tasks", "all"],
    ["what's on my list?", "all"],
    ["what do I still need to do?", "pending"],
    ["show incomplete tasks", "pending"],
    ["which tasks are done?", "completed"],
    ["show me what I've finished", "completed"],
  ];
  for (const [phrase, status] of listings) {
    it(`"${phrase}" lists ${status} tasks`, async () => {
      const { app } = testApp();
      const user = await signUp(app);
      const answer = await chat(app, user, phrase);
      expect(answer.tool_calls).toEqual([
        expect.objectContaining({ name: "list_tasks", arguments: { status } }),
      ]);
    });
  }

  const removals = [
    "delete task {id}",
    "remove task #{id}",
    "get rid of task {id}",
    "cancel the dentist appointment task",
  ];
  for (const phrase of removals) {
    it(`"${phrase}" deletes the task`, async () => {
      const { app } = testApp();
      const user = await signUp(app);
      const task = await createTask(app, user, "Dentist appointment");
      await chat(app, user, phrase.replace("{id}", String(task.id)));
      expect(await listTasks(app, user)).toEqual([]);
    });
  }

  const updates: Array<[string, "title" | "description", string]> = [
    ["rename task {id} to Buy oat milk", "title", "Buy oat milk"],
    ['update task {id} to "Buy oat milk"', "title", "Buy oat milk"],
    ["change the description of task {id} to two litres", "description", "two litres"],
    ["change task {id} description to two litres", "description", "two litres"],
  ];
  for (const [phrase, field, value] of updates) {
    it(`"${phrase}" sets the ${field}`, async () => {
      const { app } = testApp();
      const user = await signUp(app);
      const task = await createTask(app, user, "Buy milk");
      await chat(app, user, phrase.replace("{id}", String(task.id)));
      expect((await listTasks(app, user))[0]).toMatchObject({ [field]: value });
    });
  }
});

describe("chat is stateless: every turn is stored and conversations resume", () => {
  it("stores both messages with the tool calls and continues a conversation by id", async () => {
    const { app } = testApp();
    const user = await signUp(app);
    const first = await chat(app, user, "Add a task to buy groceries");
    const second = await chat(app, user, "What's pending?", first.conversation_id);
    expect(second.conversation_id).toBe(first.conversation_id);

    const conversation = await app.inject({
      method: "GET",
      url: `/api/${user.id}/conversations/${first.conversation_id}`,
      headers: user.headers,
    });
    const body = conversation.json();
    expect(body.title).toBe("Add a task to buy groceries");
    expect(
      body.messages.map((message: { role: string; content: string }) => [message.role, message.content]),
    ).toEqual([
      ["user", "Add a task to buy groceries"],
      ["assistant", first.response],
      ["user", "What's pending?"],
      ["assistant", second.response],
    ]);
    expect(body.messages[1].tool_calls[0].name).toBe("add_task");
    expect(body.messages[0].tool_calls).toBeNull();

    const list = await app.inject({
      method: "GET",
      url: `/api/${user.id}/conversations`,
      headers: user.headers,
    });
    expect(list.json()).toEqual([
      expect.objectContaining({ id: first.conversation_id, title: "Add a task to buy groceries" }),
    ]);
  });

  it("an unknown conversation id is 404 and stores nothing", async () => {
    const { app } = testApp();
    const user = await signUp(app);
    const response = await postChat(app, user, { message: "hi", conversation_id: 424242 });
    expect(response.statusCode).toBe(404);
    const list = await app.inject({
      method: "GET",
      url: `/api/${user.id}/conversations`,
      headers: user.headers,
    });
    expect(list.json()).toEqual([]);
  });

  it("an empty message is 400 naming message", async () => {
    const { app } = testApp();
    const user = await signUp(app);
    const response = await postChat(app, user, { message: "  " });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.field).toBe("message");
  });

  it("deletes a conversation with its messages", async () => {
    const { app } = testApp();
    const user = await signUp(app);
    const answer = await chat(app, user, "hello");
    const deleted = await app.inject({
      method: "DELETE",
      url: `/api/${user.id}/conversations/${answer.conversation_id}`,
      headers: user.headers,
    });
    expect(deleted.statusCode).toBe(204);
    const fetched = await app.inject({
      method: "GET",
      url: `/api/${user.id}/conversations/${answer.conversation_id}`,
      headers: user.headers,
    });
    expect(fetched.statusCode).toBe(404);
  });
});

describe("offline agent: everyday conversations, checked in the database", () => {
  const state = async (user: Parameters<typeof listTasks>[1]) =>
    (await listTasks(testApp().app, user))
      .map((task) => `${task.id}${task.completed ? "x" : ""}:${task.title}`)
      .sort();
  const userWith = (titles: string[], done: number[] = []) => userWithTasks(testApp().app, titles, done);

  it("a title matched only in part, whose other words name another task, asks which one instead of writing", async () => {
    const { app } = testApp();
    const user = await userWith(["Pay electricity bill", "Gas bill for the flat", "Walk the dog"]);
    const before = await state(user);
    const asked = await chat(app, user, "mark pay the gas bill as done");
    expect(asked.tool_calls.filter((call: { name: string }) => call.name !== "list_tasks")).toEqual([]);
    expect(await state(user)).toEqual(before);
    expect(asked.response).toContain("Pay electricity bill");
    expect(asked.response).toContain("Gas bill for the flat");
    // A yes names no task: it asks again, and changes nothing.
    const yes = await chat(app, user, "yes", asked.conversation_id);
    expect(yes.tool_calls.filter((call: { name: string }) => call.name !== "list_tasks")).toEqual([]);
    expect(yes.response).toMatch(/\?/);
    // The answer to "which one?" makes the change on the task it names.
    await chat(app, user, "2", asked.conversation_id);
    expect(await state(user)).toEqual([
      "1:Pay electricity bill",
      "2x:Gas bill for the flat",
      "3:Walk the dog",
    ]);

    // Left-out words that name no other task do not stop a match: "twice" is in no title.
    await chat(app, user, "complete walking the dog twice");
    expect(await state(user)).toEqual([
      "1:Pay electricity bill",
      "2x:Gas bill for the flat",
      "3x:Walk the dog",
    ]);
  });

  it("a write whose title matches only in part, with another word in the middle, asks; yes makes exactly it, no drops it, anything else is a new message", async () => {
    const { app } = testApp();
    const user = await userWith(["Pay electricity bill", "Water the plants", "Call the plumber"]);
    const before = await state(user);
    const writes = (answer: { tool_calls: Array<{ name: string }> }) =>
      answer.tool_calls.filter((call) => call.name !== "list_tasks");

    // "gas" is in no title: it may be another bill, so nothing is paid until the user says yes.
    const asked = await chat(app, user, "mark pay the gas bill as done");
    expect(writes(asked)).toEqual([]);
    expect(asked.response).toMatch(/\?/);
    expect(asked.response).toContain("Pay electricity bill");
    expect(await state(user)).toEqual(before);
    const yes = await chat(app, user, "haan", asked.conversation_id);
    expect(writes(yes).map((call) => call.name)).toEqual(["complete_task"]);
    expect(await state(user)).toEqual([
      "1x:Pay electricity bill",
      "2:Water the plants",
      "3:Call the plumber",
    ]);

    // "no" drops the guess and changes nothing.
    const again = await chat(app, user, "delete water the garden plants");
    expect(writes(again)).toEqual([]);
    expect(again.response).toContain("Water the plants");
    const no = await chat(app, user, "no", again.conversation_id);
    expect(writes(no)).toEqual([]);
    expect(await state(user)).toHaveLength(3);

    // Anything else is read as a new message: the guess is gone, and a later yes confirms nothing.
    const third = await chat(app, user, "delete water the garden plants");
    const other = await chat(app, user, "add buy stamps", third.conversation_id);
    expect(writes(other).map((call) => call.name)).toEqual(["add_task"]);
    await chat(app, user, "yes", third.conversation_id);
    expect(await state(user)).toEqual([
      "1x:Pay electricity bill",
      "2:Water the plants",
      "3:Call the plumber",
      "4:Buy stamps",
    ]);

    // Words after the title only say more about it: the task is changed at once.
    await chat(app, user, "delete call the plumber, the leak is fixed");
    expect(await state(user)).toEqual(["1x:Pay electricity bill", "2:Water the plants", "4:Buy stamps"]);
  });

  it("a name one letter from an all-word ('sara' / 'sare') or an all-word inside a title names that task, not every task", async () => {
    const { app } = testApp();
    const user = await userWith(["Email Sara the report", "Pay rent", "Tell Mo everything about the trip"]);
    await chat(app, user, "mark emailing sara as done");
    expect(await state(user)).toEqual([
      "1x:Email Sara the report",
      "2:Pay rent",
      "3:Tell Mo everything about the trip",
    ]);
    await chat(app, user, "complete tell mo everything");
    expect(await state(user)).toEqual([
      "1x:Email Sara the report",
      "2:Pay rent",
      "3x:Tell Mo everything about the trip",
    ]);
    // The all-word alone is still every task: asked first.
    const asked = await chat(app, user, "delete everything");
    expect(asked.tool_calls.filter((call: { name: string }) => call.name === "delete_task")).toEqual([]);
    expect(asked.response).toMatch(/\?/);
    expect(await state(user)).toHaveLength(3);
  });

  it("a change the rules read one way and the classifier another ('clear' = delete or complete?) asks; yes makes it", async () => {
    const { app } = testApp();
    const user = await userWith(["Buy milk", "Pay rent", "Call mom"]);
    const asked = await chat(app, user, "clear task 2, finished it already");
    expect(asked.tool_calls.filter((call: { name: string }) => call.name !== "list_tasks")).toEqual([]);
    expect(asked.response).toMatch(/\?/);
    expect(asked.response).toContain("Pay rent");
    expect(await state(user)).toEqual(["1:Buy milk", "2:Pay rent", "3:Call mom"]);
    await chat(app, user, "yes", asked.conversation_id);
    expect(await state(user)).toEqual(["1:Buy milk", "3:Call mom"]);
  });

  it("a task number the message excludes ('not 2', 'la 2 no', '2 nahi,') is never the one changed: it asks", async () => {
    const { app } = testApp();
    const user = await userWith(["Buy milk", "Call mom", "Pay rent"]);
    const before = await state(user);
    for (const message of [
      "remove that one, not 2",
      "márcala como hecha, la 2 no",
      "2 nahi, wo wala delete kar do",
      "not number 2 — finish the other one",
    ]) {
      const asked = await chat(app, user, message);
      expect(asked.tool_calls.filter((call: { name: string }) => call.name !== "list_tasks")).toEqual([]);
      expect(await state(user)).toEqual(before);
    }
    // A negation about the task's state, not its number, still names it: it is changed, or (when the classifier
    // reads "no está hecha" as a reopen) asked about by name, and a yes changes exactly it.
    const stateWords = await chat(app, user, "la 2 no está hecha todavía, complétala ya");
    if ((await state(user))[1] === "2:Call mom") {
      expect(stateWords.response).toContain("Call mom");
      await chat(app, user, "sí", stateWords.conversation_id);
    }
    expect(await state(user)).toEqual(["1:Buy milk", "2x:Call mom", "3:Pay rent"]);
  });

  it("asks before deleting several tasks: nothing changes until yes; no keeps them", async () => {
    const { app } = testApp();
    const user = await userWith(["Buy milk", "Call mom", "Pay rent"], [1, 3]);
    const asked = await chat(app, user, "delete all my completed tasks");
    expect(asked.tool_calls.filter((call) => call.name === "delete_task")).toEqual([]);
    expect(asked.response).toMatch(/\?/);
    expect(await state(user)).toEqual(["1x:Buy milk", "2:Call mom", "3x:Pay rent"]);
    const kept = await chat(app, user, "no", asked.conversation_id);
    expect(kept.tool_calls).toEqual([]);
    expect(await state(user)).toHaveLength(3);

    const again = await chat(app, user, "delete all my completed tasks", asked.conversation_id);
    await chat(app, user, "yes", again.conversation_id);
    expect(await state(user)).toEqual(["2:Call mom"]);
  });

  it("undo takes back the last change: a deleted task comes back under its own number", async () => {
    const { app } = testApp();
    const user = await userWith(["Buy milk", "Call mom"], [2]);
    const deleted = await chat(app, user, "delete task 2");
    expect(await state(user)).toEqual(["1:Buy milk"]);
    const undone = await chat(app, user, "undo", deleted.conversation_id);
    expect(undone.response).toMatch(/Call mom/);
    // Put back, not "added": the reply says what happened to the user's own task.
    expect(undone.response).toMatch(/restored task 2\b/i);
    expect(undone.response).not.toMatch(/added/i);
    expect(await state(user)).toEqual(["1:Buy milk", "2x:Call mom"]);
    // The restored number stays taken: the next task is 3.
    expect((await createTask(app, user, "Pay rent")).id).toBe(3);

    const added = await chat(app, user, "add eggs and butter", deleted.conversation_id);
    expect(added.tool_calls.map((call) => call.name)).toEqual(["add_task", "add_task"]);
    await chat(app, user, "undo", added.conversation_id);
    expect(await state(user)).toEqual(["1:Buy milk", "2x:Call mom", "3:Pay rent"]);
  });

  it('reopens a task, completes the one named by content, and follows "the second one" after a listing', async () => {
    const { app } = testApp();
    const user = await userWith(["Buy milk", "Call mom", "Pay the electricity bill"], [1]);
    await chat(app, user, "mark task 1 as not done");
    // A statement that something happened is not an order: it asks, naming the task, and "yes" marks it.
    const asked = await chat(app, user, "I paid the electricity bill");
    expect(asked.response).toContain("Pay the electricity bill");
    expect(asked.response).toMatch(/\?/);
    expect(await state(user)).toEqual(["1:Buy milk", "2:Call mom", "3:Pay the electricity bill"]);
    await chat(app, user, "yes", asked.conversation_id);
    expect(await state(user)).toEqual(["1:Buy milk", "2:Call mom", "3x:Pay the electricity bill"]);
    const listing = await chat(app, user, "what's pending?");
    await chat(app, user, "complete the second one", listing.conversation_id);
    expect(await state(user)).toEqual(["1:Buy milk", "2x:Call mom", "3x:Pay the electricity bill"]);
  });

  it("answers in the language it was asked in (Urdu script, Roman Urdu, Spanish)", async () => {
    const { app } = testApp();
    const user = await signUp(app);
    const urdu = await chat(app, user, "نیا کام شامل کرو: دودھ خریدنا");
    expect(urdu.response).toMatch(/[\u0600-\u06FF]{3}/);
    const roman = await chat(app, user, "mere tasks dikhao");
    expect(roman.response).toMatch(/kaam/);
    const spanish = await chat(app, user, "añade una tarea: comprar pan");
    expect(spanish.response).toMatch(/tarea/);
    expect(await state(user)).toEqual(["1:دودھ خریدنا", "2:Comprar pan"]);
  });

  it('"Add a task" asks what the task is instead of adding "Task"', async () => {
    const { app } = testApp();
    const user = await signUp(app);
    const answer = await chat(app, user, "Add a task");
    expect(answer.tool_calls).toEqual([]);
    expect(answer.response).toMatch(/what's the task\?/i);
    expect(await state(user)).toEqual([]);
  });

  it("no reply shows a tool name, an error class, the protocol or a validation message", async () => {
    const { app } = testApp();
    const user = await userWith(["Email Sam", "Email Alex"]);
    const replies = [];
    for (const message of [
      "mark task 999 as done",
      "delete the email task",
      `add ${"a very long title ".repeat(15)}`,
      "rename task 1 to " + "x".repeat(250),
      "asdfgh qwerty",
      "delete the yoga task",
      "undo",
    ]) {
      replies.push((await chat(app, user, message)).response);
    }
    for (const reply of replies) {
      expect(reply).not.toMatch(
        /add_task|list_tasks|complete_task|delete_task|update_task|Error|MCP|invalid|too_big|-32602/i,
      );
    }
    expect(replies[2]).toBe("Task titles can be at most 200 characters — shorter?");
    expect(await state(user)).toEqual(["1:Email Sam", "2:Email Alex"]);
  });
});
