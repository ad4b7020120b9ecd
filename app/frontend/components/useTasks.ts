"use client";
// Task state with optimistic updates: the list changes at once, the request follows, and a
// failure puts back exactly the task it touched (other changes made meanwhile survive).
import { useCallback, useEffect, useRef, useState } from "react";
import { api, ApiError } from "../lib/api";
import type { Task } from "../lib/types";

export type LoadState = "loading" | "ready" | "error";

type Options = { userId: string; refreshKey: number; onApiError: (error: unknown) => void };

const messageOf = (error: unknown) =>
  error instanceof ApiError ? error.message : "Something went wrong. Please try again.";

const newestFirst = (tasks: Task[]) =>
  tasks.sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id - a.id);

const replaceTask = (tasks: Task[], id: number, next: Task) =>
  tasks.map((task) => (task.id === id ? next : task));

export function useTasks({ userId, refreshKey, onApiError }: Options) {
  const [tasks, setTasks] = useState<Task[]>([]);
  const [loadState, setLoadState] = useState<LoadState>("loading");
  const [loadError, setLoadError] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  // Optimistic tasks get negative ids until the backend assigns a real one.
  const tempId = useRef(0);
  // Deleted in the list but not yet on the server (the Undo toast is still up): a reload must not bring them back.
  const hidden = useRef(new Set<number>());

  const load = useCallback(async () => {
    try {
      const loaded = await api.listTasks(userId);
      setTasks(loaded.filter((task) => !hidden.current.has(task.id)));
      setLoadState("ready");
      setLoadError(null);
    } catch (error) {
      onApiError(error);
      setLoadState("error");
      setLoadError(messageOf(error));
    }
  }, [userId, onApiError]);

  useEffect(() => {
    void load();
  }, [load, refreshKey]);

  const fail = useCallback(
    (error: unknown, what: string) => {
      onApiError(error);
      setActionError(`Could not ${what}: ${messageOf(error)}`);
    },
    [onApiError],
  );

  const add = useCallback(
    async (title: string, description: string): Promise<boolean> => {
      setActionError(null);
      const now = new Date().toISOString();
      const draft: Task = {
        id: --tempId.current,
        user_id: userId,
        title,
        description: description || null,
        completed: false,
        created_at: now,
        updated_at: now,
      };
      setTasks((current) => [draft, ...current]);
      try {
        const created = await api.createTask(userId, description ? { title, description } : { title });
        setTasks((current) => replaceTask(current, draft.id, created));
        return true;
      } catch (error) {
        setTasks((current) => current.filter((task) => task.id !== draft.id));
        fail(error, "add the task");
        return false;
      }
    },
    [userId, fail],
  );

  /** Shows `next` at once, then keeps the server's version or restores `previous`. */
  const change = useCallback(
    async (previous: Task, next: Task, send: () => Promise<Task>, what: string): Promise<boolean> => {
      setActionError(null);
      setTasks((current) => replaceTask(current, previous.id, next));
      try {
        const saved = await send();
        setTasks((current) => replaceTask(current, previous.id, saved));
        return true;
      } catch (error) {
        setTasks((current) => replaceTask(current, previous.id, previous));
        fail(error, what);
        return false;
      }
    },
    [fail],
  );

  const toggle = useCallback(
    (task: Task) =>
      change(
        task,
        { ...task, completed: !task.completed },
        () => api.setCompleted(userId, task.id, !task.completed),
        task.completed ? "reopen the task" : "complete the task",
      ),
    [userId, change],
  );

  const update = useCallback(
    (task: Task, title: string, description: string) =>
      change(
        task,
        { ...task, title, description: description || null },
        () => api.updateTask(userId, task.id, { title, description }),
        "save the task",
      ),
    [userId, change],
  );

  /**
   * Hides the task at once and returns how to settle it: `undo` shows it again, `commit` deletes it on the
   * server (and shows it again, with the error, if that fails).
   */
  const hide = useCallback(
    (task: Task) => {
      setActionError(null);
      hidden.current.add(task.id);
      setTasks((current) => current.filter((item) => item.id !== task.id));
      // The list is newest first, so sorting puts the task back where it was.
      const restore = () => {
        hidden.current.delete(task.id);
        setTasks((current) => newestFirst([...current.filter((item) => item.id !== task.id), task]));
      };
      const commit = async () => {
        try {
          await api.deleteTask(userId, task.id);
          hidden.current.delete(task.id);
        } catch (error) {
          restore();
          fail(error, "delete the task");
        }
      };
      return { undo: restore, commit };
    },
    [userId, fail],
  );

  return {
    tasks,
    loadState,
    loadError,
    actionError,
    dismissError: () => setActionError(null),
    reload: load,
    add,
    toggle,
    update,
    hide,
  };
}
