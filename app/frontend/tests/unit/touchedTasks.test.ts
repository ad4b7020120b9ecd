import { describe, expect, it } from "vitest";
import { touchedTasks, undoableChanges, withoutListedTasks } from "../../lib/touchedTasks";
import type { ToolCall } from "../../lib/types";

const call = (name: string, result: unknown): ToolCall => ({ name, arguments: {}, result });

describe("touchedTasks", () => {
  it("reads number, title and state from the changing tools' results", () => {
    const calls = [
      call("add_task", { task_id: 4, status: "created", title: "buy milk" }),
      call("complete_task", { task_id: 2, status: "completed", title: "call mum", extra: true }),
      call("delete_task", { task_id: 1, status: "deleted", title: "old" }),
      call("update_task", { task_id: 3, status: "updated", title: "renamed" }),
    ];
    expect(touchedTasks(calls)).toEqual([
      { id: 4, title: "buy milk", state: "created" },
      { id: 2, title: "call mum", state: "completed" },
      { id: 1, title: "old", state: "deleted" },
      { id: 3, title: "renamed", state: "updated" },
    ]);
  });

  it("reads every listed task as pending or done", () => {
    const listed = call("list_tasks", {
      status: "all",
      count: 2,
      tasks: [
        { id: 1, title: "a", description: null, completed: false, created_at: "x" },
        { id: 2, title: "b", description: "d", completed: true, created_at: "y" },
      ],
    });
    expect(touchedTasks([listed])).toEqual([
      { id: 1, title: "a", state: "pending" },
      { id: 2, title: "b", state: "done" },
    ]);
  });

  it("keeps one chip per task with the state the reply left it in", () => {
    const calls = [
      call("add_task", { task_id: 5, status: "created", title: "x" }),
      call("complete_task", { task_id: 5, status: "completed", title: "x" }),
    ];
    expect(touchedTasks(calls)).toEqual([{ id: 5, title: "x", state: "completed" }]);
  });

  it("ignores failed calls, text results and unknown shapes", () => {
    const calls = [
      call("delete_task", { error: "Task 9 not found" }),
      call("add_task", "plain text"),
      call("add_task", null),
      call("complete_task", { task_id: "7", status: "completed", title: "x" }),
      call("complete_task", { task_id: 7, status: "exploded", title: "x" }),
    ];
    expect(touchedTasks(calls)).toEqual([]);
    expect(touchedTasks(null)).toEqual([]);
  });

  it("offers undo only for completed and deleted tasks", () => {
    const tasks = touchedTasks([
      call("add_task", { task_id: 1, status: "created", title: "a" }),
      call("complete_task", { task_id: 2, status: "completed", title: "b" }),
      call("delete_task", { task_id: 3, status: "deleted", title: "c" }),
    ]);
    expect(undoableChanges(tasks).map((task) => task.id)).toEqual([2, 3]);
  });

  it("drops the reply's lines that list a task shown as a chip, and keeps the rest", () => {
    const tasks = [
      { id: 5, title: "Buy oat milk", state: "pending" as const },
      { id: 12, title: "Call mum", state: "done" as const },
    ];
    const reply = "You have 3 tasks:\n- 5: Buy oat milk\n- 12: Call mum\n- 7: not a chip\nAnything else?";
    expect(withoutListedTasks(reply, tasks)).toBe("You have 3 tasks:\n- 7: not a chip\nAnything else?");
    expect(withoutListedTasks("Task 5 is done.\n2 tasks left.", tasks)).toBe(
      "Task 5 is done.\n2 tasks left.",
    );
  });
});
