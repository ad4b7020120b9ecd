import { describe, expect, it } from "vitest";
import { describeChange } from "../../lib/taskWords";
import { touchedTasks, undoableChanges, withoutListedTasks } from "../../lib/touchedTasks";
import type { ToolCall } from "../../lib/types";

const call = (name: string, result: unknown, args: Record<string, unknown> = {}): ToolCall => ({
  name,
  arguments: args,
  result,
});
const listing = (...tasks: Array<[number, string, boolean]>) =>
  call(
    "list_tasks",
    {
      status: "all",
      count: tasks.length,
      tasks: tasks.map(([id, title, completed]) => ({
        id,
        title,
        completed,
        description: null,
        created_at: "x",
      })),
    },
    { status: "all" },
  );

describe("touchedTasks", () => {
  it("names each change by what the tool did, whatever extra fields the result carries", () => {
    const calls = [
      call("add_task", { task_id: 4, status: "created", title: "buy milk" }),
      call("complete_task", { task_id: 2, status: "completed", title: "call mum", extra: true }),
      call("delete_task", { task_id: 1, status: "deleted", title: "old" }),
      call(
        "update_task",
        { task_id: 3, status: "updated", title: "renamed" },
        { task_id: 3, title: "renamed" },
      ),
    ];
    expect(touchedTasks(calls, "")).toEqual([
      { id: 4, title: "buy milk", state: "added" },
      { id: 2, title: "call mum", state: "completed" },
      { id: 1, title: "old", state: "deleted" },
      { id: 3, title: "renamed", state: "updated" },
    ]);
  });

  it("calls a task that update_task marked not completed reopened, and one it marked completed completed", () => {
    const reopened = call(
      "update_task",
      { task_id: 1, status: "updated", title: "Buy milk", before: { completed: true } },
      { task_id: 1, completed: false },
    );
    const completed = call(
      "update_task",
      { task_id: 2, status: "updated", title: "Call mum" },
      { task_id: 2, completed: true },
    );
    expect(touchedTasks([reopened, completed], "").map((task) => task.state)).toEqual([
      "reopened",
      "completed",
    ]);
  });

  it("shows only the changed task when the agent looked the list up first", () => {
    const calls = [
      listing([3, "Walk the dog", false], [2, "Call mom", false], [1, "Buy milk", false]),
      call("complete_task", { task_id: 1, status: "completed", title: "Buy milk" }),
    ];
    expect(touchedTasks(calls, 'Marked task 1 "Buy milk" as done.')).toEqual([
      { id: 1, title: "Buy milk", state: "completed" },
    ]);
  });

  it("shows a list the reply gives, in the reply's order, with each task's state", () => {
    const calls = [listing([3, "c", false], [2, "b", true], [1, "a", false])];
    const reply = "You have 3 tasks:\n- 1: a\n- 2: b\n- 3: c";
    expect(touchedTasks(calls, reply)).toEqual([
      { id: 1, title: "a", state: "pending" },
      { id: 2, title: "b", state: "completed" },
      { id: 3, title: "c", state: "pending" },
    ]);
  });

  it("shows nothing for a lookup the reply does not list (a task not found, a reply it did not understand)", () => {
    const calls = [listing([2, "Call mom", false], [1, "Buy milk", false])];
    expect(touchedTasks(calls, "I couldn't find a task matching “dentist”.")).toEqual([]);
    expect(touchedTasks([], "Sorry, I didn't understand that.\n- 3 ways to ask…")).toEqual([]);
  });

  it("keeps one chip per task with the last change the turn made", () => {
    const calls = [
      call("add_task", { task_id: 5, status: "created", title: "x" }),
      call("complete_task", { task_id: 5, status: "completed", title: "x" }),
    ];
    expect(touchedTasks(calls, "")).toEqual([{ id: 5, title: "x", state: "completed" }]);
  });

  it("ignores failed calls, text results, unknown tools and unknown shapes", () => {
    const calls = [
      call("delete_task", { error: "Task 9 not found" }),
      call("add_task", "plain text"),
      call("add_task", null),
      call("complete_task", { task_id: "7", status: "completed", title: "x" }),
      call("archive_task", { task_id: 8, status: "archived", title: "x" }),
    ];
    expect(touchedTasks(calls, "- 8: x")).toEqual([]);
    expect(touchedTasks(null, "")).toEqual([]);
  });

  it("offers undo only for the tasks a turn completed or deleted, never for a listed completed task", () => {
    const changes = [
      call("add_task", { task_id: 1, status: "created", title: "a" }),
      call("complete_task", { task_id: 2, status: "completed", title: "b" }),
      call("delete_task", { task_id: 3, status: "deleted", title: "c" }),
    ];
    expect(undoableChanges(changes).map((task) => task.id)).toEqual([2, 3]);
    expect(undoableChanges([listing([4, "d", true])])).toEqual([]);
  });

  it("drops the reply's lines that list a task shown as a chip, and keeps the rest", () => {
    const tasks = [
      { id: 5, title: "Buy oat milk", state: "pending" as const },
      { id: 12, title: "Call mum", state: "completed" as const },
    ];
    const reply = "You have 3 tasks:\n- 5: Buy oat milk\n- 12: Call mum\n- 7: not a chip\nAnything else?";
    expect(withoutListedTasks(reply, tasks)).toBe("You have 3 tasks:\n- 7: not a chip\nAnything else?");
    expect(withoutListedTasks("Task 5 is done.\n2 tasks left.", tasks)).toBe(
      "Task 5 is done.\n2 tasks left.",
    );
  });
});

describe("describeChange", () => {
  it("names one task by number and title, several by their count, with the same word as the chips", () => {
    expect(describeChange([{ id: 3, title: "buy milk", state: "deleted" }])).toBe("Deleted #3 “buy milk”");
    const two = [
      { id: 1, title: "a", state: "completed" as const },
      { id: 2, title: "b", state: "completed" as const },
    ];
    expect(describeChange(two)).toBe("Completed 2 tasks");
    expect(describeChange([two[0]!, { id: 3, title: "c", state: "deleted" }])).toBe("Changed 2 tasks");
  });
});
