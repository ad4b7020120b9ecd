// @vitest-environment node
// lib/api.gen.ts must be what the backend's OpenAPI document generates today: a change to the API that the
// client's types (or limits) do not follow fails here, with the command that fixes it.
import { describe, expect, it } from "vitest";
import { checkedIn, fetchOpenApi, generate } from "../tools/api-types";

describe("the generated API types", () => {
  it("match a fresh generation from the backend's /openapi.json", async () => {
    const fresh = await generate(await fetchOpenApi());
    expect(
      checkedIn() === fresh,
      "lib/api.gen.ts is stale: run `npm run generate:api -w app/frontend` and commit it",
    ).toBe(true);
  }, 60_000);
});
