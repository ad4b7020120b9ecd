"use client";
// The signed-in page: who you are, the task list and the chat. Also the one place that
// reacts to "not signed in" (go to sign-in) and "backend unreachable" (show a banner).
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useState } from "react";
import { api, ApiError, auth } from "../lib/api";
import type { Me } from "../lib/types";
import { Brand } from "./Brand";
import { ChatPanel } from "./ChatPanel";
import { Icon } from "./Icon";
import { Skeleton } from "./Skeleton";
import { StatusBanner } from "./StatusBanner";
import { TaskPanel, type Highlight } from "./TaskPanel";
import { UndoToast } from "./UndoToast";
import { useUndo } from "./useUndo";

/** On a phone one panel shows at a time; the bar at the bottom switches (wider screens show both). */
type View = "tasks" | "chat";
const VIEWS: { view: View; label: string; icon: "list" | "chat" }[] = [
  { view: "tasks", label: "Tasks", icon: "list" },
  { view: "chat", label: "Assistant", icon: "chat" },
];

export function Dashboard() {
  const router = useRouter();
  const [me, setMe] = useState<Me | null>(null);
  const [unreachable, setUnreachable] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [tasksVersion, setTasksVersion] = useState(0);
  const [view, setView] = useState<View>("tasks");
  const [highlight, setHighlight] = useState<Highlight | null>(null);
  const undo = useUndo();

  const handleApiError = useCallback(
    (error: unknown) => {
      if (!(error instanceof ApiError)) return;
      if (error.status === 401) router.replace("/sign-in");
      else if (error.unreachable) setUnreachable(true);
    },
    [router],
  );

  const load = useCallback(async () => {
    try {
      setMe(await api.me());
      setUnreachable(false);
      setFailure(null);
    } catch (error) {
      handleApiError(error);
      if (error instanceof ApiError && error.status !== 401 && !error.unreachable) setFailure(error.message);
    }
  }, [handleApiError]);

  useEffect(() => {
    void load();
  }, [load]);

  const refreshTasks = useCallback(() => setTasksVersion((version) => version + 1), []);

  const showTask = useCallback((id: number) => {
    setView("tasks");
    setHighlight((current) => ({ id, nonce: (current?.nonce ?? 0) + 1 }));
  }, []);

  function retry() {
    void load();
    refreshTasks();
  }

  async function signOut() {
    // A delete waiting behind its Undo toast is saved while the session still exists.
    await undo.dismiss();
    try {
      await auth.signOut();
    } finally {
      router.replace("/sign-in");
    }
  }

  return (
    <div className="app-shell">
      <header className="topbar">
        <Brand />
        {me ? (
          <div className="account">
            <span className="account-name" title={me.user.email}>
              {me.user.name || me.user.email}
            </span>
            <button type="button" className="button ghost small" onClick={() => void signOut()}>
              Sign out
            </button>
          </div>
        ) : null}
      </header>

      {unreachable ? <StatusBanner onRetry={retry} /> : null}

      {me ? (
        <>
          <main className="workspace" data-view={view}>
            <TaskPanel
              userId={me.user.id}
              refreshKey={tasksVersion}
              onApiError={handleApiError}
              onUndoable={undo.offerUndo}
              highlight={highlight}
            />
            <ChatPanel
              userId={me.user.id}
              agent={me.agent}
              onApiError={handleApiError}
              onTasksChanged={refreshTasks}
              onShowTask={showTask}
              onUndoable={undo.offerUndo}
            />
          </main>
          <nav className="view-switch" aria-label="Switch view">
            {VIEWS.map((item) => (
              <button
                key={item.view}
                type="button"
                aria-pressed={view === item.view}
                onClick={() => setView(item.view)}
              >
                <Icon name={item.icon} size={20} />
                {item.label}
              </button>
            ))}
          </nav>
          <UndoToast undo={undo} />
        </>
      ) : (
        <main className="workspace-loading">
          {failure ? (
            <p role="alert">Could not load your account: {failure}</p>
          ) : unreachable ? null : (
            <div className="panel skeleton-panel">
              <Skeleton rows={5} label="Loading your workspace…" />
            </div>
          )}
        </main>
      )}
    </div>
  );
}
