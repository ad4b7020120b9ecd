"use client";
import { useEffect, useRef, useState } from "react";
import { describeChange } from "../lib/taskWords";
import type { Task, TaskFilter } from "../lib/types";
import { FilterTabs } from "./FilterTabs";
import { Icon } from "./Icon";
import { Skeleton } from "./Skeleton";
import { TaskForm } from "./TaskForm";
import { TaskItem } from "./TaskItem";
import type { UndoOffer } from "./useUndo";
import { useTasks } from "./useTasks";

/** A request to point at one task (a chat chip was clicked); `nonce` repeats the same task. */
export type Highlight = { id: number; nonce: number };

type Props = {
  userId: string;
  refreshKey: number;
  onApiError: (error: unknown) => void;
  onUndoable?: (offer: UndoOffer) => void;
  highlight?: Highlight | null;
};

const EMPTY: Record<TaskFilter, { title: string; text: string }> = {
  all: {
    title: "No tasks yet",
    text: "Add your first one above, or ask the assistant: “add a task to buy milk”.",
  },
  pending: { title: "Nothing pending", text: "Everything is done. Nice work!" },
  completed: { title: "No completed tasks yet", text: "Tick a task when it is done and it shows up here." },
};

const HIGHLIGHT_MS = 2400;

const matches = (filter: TaskFilter) => (task: Task) =>
  filter === "all" || (filter === "completed") === task.completed;

export function TaskPanel({ userId, refreshKey, onApiError, onUndoable, highlight = null }: Props) {
  const [filter, setFilter] = useState<TaskFilter>("all");
  const [lit, setLit] = useState<number | null>(null);
  const { tasks, loadState, loadError, actionError, dismissError, reload, add, toggle, update, hide } =
    useTasks({ userId, refreshKey, onApiError });
  const heading = useRef<HTMLHeadingElement>(null);

  const counts: Record<TaskFilter, number> = {
    all: tasks.length,
    pending: tasks.filter(matches("pending")).length,
    completed: tasks.filter(matches("completed")).length,
  };
  const visible = tasks.filter(matches(filter));
  const target = highlight ? tasks.find((task) => task.id === highlight.id) : undefined;

  // Show the task a chip pointed at, once per request: its filter, scrolled into view, lit for a moment, focused.
  const handled = useRef(0);
  useEffect(() => {
    if (!highlight || highlight.nonce === handled.current || !target) return;
    if (!matches(filter)(target)) {
      setFilter("all");
      return; // runs again once the task is rendered
    }
    handled.current = highlight.nonce;
    setLit(highlight.id);
    const row = document.getElementById(`task-${highlight.id}`);
    row?.scrollIntoView?.({ block: "center", behavior: "smooth" });
    row?.querySelector<HTMLInputElement>("input[type=checkbox]")?.focus({ preventScroll: true });
  }, [highlight, target, filter]);

  useEffect(() => {
    if (lit === null) return;
    const timer = setTimeout(() => setLit(null), HIGHLIGHT_MS);
    return () => clearTimeout(timer);
  }, [lit]);

  async function toggleTask(task: Task) {
    if ((await toggle(task)) && !task.completed) {
      onUndoable?.({
        message: describeChange([{ ...task, state: "completed" }]),
        undo: () => void toggle({ ...task, completed: true }),
      });
    }
  }

  function deleteTask(task: Task) {
    // The focused button is about to disappear: keep keyboard focus inside the panel.
    heading.current?.focus();
    const { undo, commit } = hide(task);
    if (onUndoable) onUndoable({ message: describeChange([{ ...task, state: "deleted" }]), undo, commit });
    else void commit();
  }

  const empty = EMPTY[filter];
  return (
    <section className="panel tasks-panel" id="tasks-panel" aria-labelledby="tasks-heading">
      <div className="panel-header">
        <h2 id="tasks-heading" ref={heading} tabIndex={-1}>
          Tasks
        </h2>
        {loadState === "ready" ? (
          <span className="muted small">
            {counts.pending} pending · {counts.completed} completed
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

      <div className="panel-scroll">
        {loadState === "loading" ? (
          <Skeleton rows={4} label="Loading tasks…" />
        ) : loadState === "error" ? (
          <div className="placeholder" role="alert">
            <p>Could not load your tasks: {loadError}</p>
            <button type="button" className="button" onClick={() => void reload()}>
              Try again
            </button>
          </div>
        ) : visible.length === 0 ? (
          <div className="empty-state">
            <span className="empty-icon" aria-hidden="true">
              <Icon name={filter === "completed" ? "check" : "list"} size={22} />
            </span>
            <p className="empty-title">{empty.title}</p>
            <p className="muted">{empty.text}</p>
          </div>
        ) : (
          <ul className="task-list" aria-label={`${filter === "all" ? "All" : filter} tasks`}>
            {visible.map((task) => (
              <TaskItem
                key={task.id}
                task={task}
                highlighted={task.id === lit}
                onToggle={(item) => void toggleTask(item)}
                onSave={update}
                onDelete={deleteTask}
              />
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
