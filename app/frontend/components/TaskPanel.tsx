"use client";
import { useRef, useState } from "react";
import type { Task, TaskFilter } from "../lib/types";
import { FilterTabs } from "./FilterTabs";
import { TaskForm } from "./TaskForm";
import { TaskItem } from "./TaskItem";
import { useTasks } from "./useTasks";

type Props = { userId: string; refreshKey: number; onApiError: (error: unknown) => void };

const EMPTY_TEXT: Record<TaskFilter, string> = {
  all: "No tasks yet. Add one above, or ask the assistant.",
  pending: "Nothing pending. Nice work!",
  completed: "No completed tasks yet.",
};

const matches = (filter: TaskFilter) => (task: Task) =>
  filter === "all" || (filter === "completed") === task.completed;

export function TaskPanel({ userId, refreshKey, onApiError }: Props) {
  const [filter, setFilter] = useState<TaskFilter>("all");
  const { tasks, loadState, loadError, actionError, dismissError, reload, add, toggle, update, remove } =
    useTasks({ userId, refreshKey, onApiError });
  const heading = useRef<HTMLHeadingElement>(null);

  const counts: Record<TaskFilter, number> = {
    all: tasks.length,
    pending: tasks.filter(matches("pending")).length,
    completed: tasks.filter(matches("completed")).length,
  };
  const visible = tasks.filter(matches(filter));

  function deleteTask(task: Task) {
    // The focused button is about to disappear: keep keyboard focus inside the panel.
    heading.current?.focus();
    void remove(task);
  }

  return (
    <section className="panel tasks-panel" aria-labelledby="tasks-heading">
      <div className="panel-header">
        <h2 id="tasks-heading" ref={heading} tabIndex={-1}>
          Tasks
        </h2>
        {loadState === "ready" ? (
          <span className="muted small">
            {counts.pending} pending · {counts.completed} done
          </span>
        ) : null}
      </div>

      <TaskForm onAdd={add} />
      <FilterTabs value={filter} counts={counts} onChange={setFilter} />

      {actionError ? (
        <div className="notice error" role="alert">
          <span>{actionError}</span>
          <button type="button" className="link-button" onClick={dismissError}>
            Dismiss
          </button>
        </div>
      ) : null}

      {loadState === "loading" ? (
        <p className="placeholder" role="status">
          Loading tasks…
        </p>
      ) : loadState === "error" ? (
        <div className="placeholder" role="alert">
          <p>Could not load your tasks: {loadError}</p>
          <button type="button" className="button" onClick={() => void reload()}>
            Try again
          </button>
        </div>
      ) : visible.length === 0 ? (
        <p className="placeholder">{EMPTY_TEXT[filter]}</p>
      ) : (
        <ul className="task-list" aria-label={`${filter === "all" ? "All" : filter} tasks`}>
          {visible.map((task) => (
            <TaskItem key={task.id} task={task} onToggle={toggle} onSave={update} onDelete={deleteTask} />
          ))}
        </ul>
      )}
    </section>
  );
}
