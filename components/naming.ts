// Object names and labels of one deploy mode. The chart computes the same for Helm mode (its _helpers.tpl);
// raw mode uses the prefix "todo" and is managed by Pulumi. The in-cluster PostgreSQL belongs to no mode
// (databaseNaming): both modes use the same one, so a mode switch keeps every user and task.
import { namePrefix, type AppSpec } from "./spec.ts";

export const PART_OF = "todo-chatbot";
export const APP_NAME = "todo-chatbot";

export type Component = "backend" | "frontend" | "postgresql" | "config" | "test";

export interface Naming {
  /** `<prefix>-<component>` */
  name(component: Component): string;
  /** the labels that select a component's pods (never changing values: selectors are immutable) */
  selector(component: Component): Record<string, string>;
  /** every label of a component's objects */
  labels(component: Component): Record<string, string>;
}

export function namingFor(spec: Pick<AppSpec, "mode" | "version">): Naming {
  const prefix = namePrefix(spec.mode);
  const selector = (component: Component) => ({
    "app.kubernetes.io/name": APP_NAME,
    "app.kubernetes.io/instance": prefix,
    "app.kubernetes.io/component": component,
  });
  return {
    name: (component) => `${prefix}-${component}`,
    selector,
    labels: (component) => ({
      ...selector(component),
      "app.kubernetes.io/part-of": PART_OF,
      "app.kubernetes.io/managed-by": spec.mode === "helm" ? "Helm" : "pulumi",
      "app.kubernetes.io/version": spec.version,
    }),
  };
}

/** Name of every object of the in-cluster PostgreSQL (Service, StatefulSet, its password Secret, policies). */
export const DATABASE_NAME = "todo-database";

/** Names and labels of the in-cluster PostgreSQL, the same in both modes (the chart's `<release>-postgresql`
 * is only for a plain `helm install`). */
export function databaseNaming(spec: Pick<AppSpec, "version">): Naming {
  const selector = (component: Component) => ({
    "app.kubernetes.io/name": APP_NAME,
    "app.kubernetes.io/instance": DATABASE_NAME,
    "app.kubernetes.io/component": component,
  });
  return {
    name: () => DATABASE_NAME,
    selector,
    labels: (component) => ({
      ...selector(component),
      "app.kubernetes.io/part-of": PART_OF,
      "app.kubernetes.io/managed-by": "pulumi",
      "app.kubernetes.io/version": spec.version,
    }),
  };
}

/** The backend's pods in either mode (a mode-independent selector: no instance label). */
export const ANY_MODE_BACKEND = {
  "app.kubernetes.io/name": APP_NAME,
  "app.kubernetes.io/component": "backend",
};
