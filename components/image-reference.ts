// Image references as the config holds them ("<repository>:<tag>") and as the Deployments and the chart take them.

/** "registry:5000/team/app:1.2" -> { repository: "registry:5000/team/app", tag: "1.2" } */
export function splitReference(reference: string): { repository: string; tag: string } {
  const colon = reference.lastIndexOf(":");
  return { repository: reference.slice(0, colon), tag: reference.slice(colon + 1) };
}
