"use client";
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import { LIMITS } from "../lib/types";
import type { Task } from "../lib/types";
import { Icon } from "./Icon";

type Props = {
  task: Task;
  onToggle: (task: Task) => void;
  onSave: (task: Task, title: string, description: string) => Promise<boolean>;
  onDelete: (task: Task) => void;
  /** Lit for a moment when a chat chip points at this task. */
  highlighted?: boolean;
};

export function TaskItem({ task, onToggle, onSave, onDelete, highlighted = false }: Props) {
  const [editing, setEditing] = useState(false);
  const [title, setTitle] = useState(task.title);
  const [description, setDescription] = useState(task.description ?? "");
  const titleInput = useRef<HTMLInputElement>(null);
  const editButton = useRef<HTMLButtonElement>(null);
  const wasEditing = useRef(false);
  const pending = task.id < 0; // optimistic, not saved yet
  const titleId = `task-${task.id}-title`;

  // Move focus into the editor when it opens and back to "Edit" when it closes.
  useEffect(() => {
    if (editing) titleInput.current?.focus();
    else if (wasEditing.current) editButton.current?.focus();
    wasEditing.current = editing;
  }, [editing]);

  function startEditing() {
    setTitle(task.title);
    setDescription(task.description ?? "");
    setEditing(true);
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    const trimmed = title.trim();
    if (!trimmed) return;
    setEditing(false);
    if (trimmed !== task.title || description.trim() !== (task.description ?? "")) {
      await onSave(task, trimmed, description.trim());
    }
  }

  function cancelOnEscape(event: KeyboardEvent) {
    if (event.key === "Escape") setEditing(false);
  }

  if (editing) {
    return (
      <li className="task editing">
        <form
          className="task-edit"
          onSubmit={save}
          onKeyDown={cancelOnEscape}
          aria-label={`Edit task ${task.title}`}
        >
          <label htmlFor={`edit-title-${task.id}`} className="field-label">
            Title
          </label>
          <input
            id={`edit-title-${task.id}`}
            ref={titleInput}
            className="input"
            value={title}
            onChange={(event) => setTitle(event.target.value)}
            maxLength={LIMITS.title}
            required
          />
          <label htmlFor={`edit-description-${task.id}`} className="field-label">
            Description
          </label>
          <textarea
            id={`edit-description-${task.id}`}
            className="input"
            value={description}
            onChange={(event) => setDescription(event.target.value)}
            maxLength={LIMITS.description}
            rows={2}
          />
          <div className="task-edit-actions">
            <button type="button" className="button ghost" onClick={() => setEditing(false)}>
              Cancel
            </button>
            <button type="submit" className="button primary" disabled={!title.trim()}>
              Save
            </button>
          </div>
        </form>
      </li>
    );
  }

  return (
    <li
      id={`task-${task.id}`}
      className={`task${task.completed ? " done" : ""}${pending ? " pending-save" : ""}${highlighted ? " highlighted" : ""}`}
    >
      <input
        type="checkbox"
        className="task-check"
        checked={task.completed}
        onChange={() => onToggle(task)}
        disabled={pending}
        aria-labelledby={titleId}
      />
      <div className="task-body">
        <span id={titleId} className="task-title" dir="auto">
          {task.title}
        </span>
        {task.description ? (
          <span className="task-description" dir="auto">
            {task.description}
          </span>
        ) : null}
      </div>
      {pending ? null : (
        <span className="task-id" title="Refer to this number in the chat">
          #{task.id}
        </span>
      )}
      <div className="task-actions">
        <button
          ref={editButton}
          type="button"
          className="icon-button"
          onClick={startEditing}
          disabled={pending}
          aria-label={`Edit ${task.title}`}
        >
          <Icon name="edit" />
        </button>
        <button
          type="button"
          className="icon-button danger"
          onClick={() => onDelete(task)}
          disabled={pending}
          aria-label={`Delete ${task.title}`}
        >
          <Icon name="trash" />
        </button>
      </div>
    </li>
  );
}
