"use client";
import { useState, type FormEvent } from "react";

type Props = { onAdd: (title: string, description: string) => Promise<boolean> };

export function TaskForm({ onAdd }: Props) {
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");

  async function submit(event: FormEvent) {
    event.preventDefault();
    const trimmed = title.trim();
    if (!trimmed) return;
    // Clear at once (the task is already in the list); put the text back if the add fails.
    setTitle("");
    setDescription("");
    if (!(await onAdd(trimmed, description.trim()))) {
      setTitle(trimmed);
      setDescription(description);
    }
  }

  return (
    <form className="task-form" onSubmit={submit} aria-label="Add a task">
      <div className="task-form-row">
        <label htmlFor="new-task-title" className="sr-only">
          New task title
        </label>
        <input
          id="new-task-title"
          className="input"
          value={title}
          onChange={(event) => setTitle(event.target.value)}
          placeholder="Add a task…"
          maxLength={200}
          autoComplete="off"
          required
        />
        <button type="submit" className="button primary" disabled={!title.trim()}>
          Add
        </button>
      </div>
      <label htmlFor="new-task-description" className="sr-only">
        Description (optional)
      </label>
      <input
        id="new-task-description"
        className="input subtle"
        value={description}
        onChange={(event) => setDescription(event.target.value)}
        placeholder="Details (optional)"
        maxLength={1000}
        autoComplete="off"
      />
    </form>
  );
}
