"use client";
import { useRef, useState, type FormEvent } from "react";
import { LIMITS } from "../lib/types";
import { Icon } from "./Icon";

type Props = { onAdd: (title: string, description: string) => Promise<boolean> };

// One box: the title, and a details field that opens once a title is being typed. It never closes on blur:
// closing then would move the list under a click that is on its way (mousedown blurs, mouseup lands lower).
export function TaskForm({ onAdd }: Props) {
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const open = title !== "" || description !== "";
  const titleInput = useRef<HTMLInputElement>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const trimmed = title.trim();
    if (!trimmed) {
      titleInput.current?.focus();
      return;
    }
    // Clear at once (the task is already in the list); put the text back if the add fails.
    setTitle("");
    setDescription("");
    titleInput.current?.focus();
    if (!(await onAdd(trimmed, description.trim()))) {
      setTitle(trimmed);
      setDescription(description);
    }
  }

  return (
    <form className={`task-form${open ? " open" : ""}`} onSubmit={submit} aria-label="Add a task">
      <div className="task-form-row">
        <span className="task-form-icon" aria-hidden="true">
          <Icon name="plus" size={18} />
        </span>
        <label htmlFor="new-task-title" className="sr-only">
          New task title
        </label>
        <input
          id="new-task-title"
          ref={titleInput}
          className="bare-input"
          value={title}
          onChange={(event) => setTitle(event.target.value)}
          placeholder="Add a task…"
          maxLength={LIMITS.title}
          autoComplete="off"
          required
        />
        <button type="submit" className="button primary">
          Add
        </button>
      </div>
      {open ? (
        <>
          <label htmlFor="new-task-description" className="sr-only">
            Description (optional)
          </label>
          <textarea
            id="new-task-description"
            className="bare-input task-form-details"
            value={description}
            onChange={(event) => setDescription(event.target.value)}
            placeholder="Add details (optional)"
            maxLength={LIMITS.description}
            rows={2}
          />
        </>
      ) : null}
    </form>
  );
}
