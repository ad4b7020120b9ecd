// @ts-check
// The fixed-tag rule, the one home both sides load as they are: the policy pack (CommonJS, compiled by the policy
// runner) and the Pulumi program (ES modules that Node runs by stripping types, which cannot load a TypeScript
// file written in CommonJS). The chart keeps its own check (_helpers.tpl, "todo-chatbot.image") because a plain
// `helm install` cannot run JavaScript.

/**
 * An image reference's tag, or undefined when it has none ("app", "host:5000/app").
 * @param {string} image
 * @returns {string | undefined}
 */
function imageTag(image) {
  if (image.includes("@")) return image.split("@")[1];
  const last = image.split("/").pop() ?? "";
  return last.includes(":") ? last.split(":").pop() : undefined;
}

/**
 * Why an image reference has no fixed tag ("no tag", also for an empty one, or "latest"), else undefined: the pack
 * applies it to every container and release value, the program's config (components/config.ts) to the stack's
 * image settings before anything is built.
 * @param {string} image
 * @returns {"no tag" | "latest" | undefined}
 */
function unfixedTag(image) {
  const tag = imageTag(image);
  if (tag === undefined || tag === "") return "no tag";
  return tag === "latest" ? "latest" : undefined;
}

module.exports = { unfixedTag };
