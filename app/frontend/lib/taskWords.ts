// One vocabulary for a task's state and for what a change did to it, shared by the task list (its filters and
// counts), the chat's task chips and the Undo toasts, so one state never has two names.
export type TaskState = "pending" | "completed";
export type TaskChange = "added" | "completed" | "reopened" | "updated" | "deleted";
/** What a task chip shows: what the reply did to the task, or (for a list) the state it is in. */
export type ChipState = TaskState | TaskChange;

export const STATE_WORD: Record<ChipState, string> = {
  pending: "Pending",
  completed: "Completed",
  added: "Added",
  reopened: "Reopened",
  updated: "Updated",
  deleted: "Deleted",
};

/** A task as people refer to it everywhere: its number (usable in the chat) and its title. */
export const taskName = (task: { id: number; title: string }) => `#${task.id} “${task.title}”`;

/** The toast's line for a change: "Deleted #3 “buy milk”", or "Completed 2 tasks". */
export function describeChange(tasks: { id: number; title: string; state: ChipState }[]): string {
  const [first] = tasks;
  const same = first && tasks.every((task) => task.state === first.state);
  const verb = same ? STATE_WORD[first.state] : "Changed";
  return tasks.length === 1 && first ? `${verb} ${taskName(first)}` : `${verb} ${tasks.length} tasks`;
}
