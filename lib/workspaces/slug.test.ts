import { describe, expect, it } from "vitest";
import { slugify, uniqueSlug } from "./slug";

describe("slugs", () => {
  it("turns names into readable slugs", () => {
    expect(slugify("Acme Marketing!")).toBe("acme-marketing");
    expect(slugify("Café Crème")).toBe("cafe-creme");
    expect(slugify("!!!")).toBe("workspace");
  });
  it("adds a random suffix so two workspaces of the same name differ", () => {
    expect(uniqueSlug("Acme")).toMatch(/^acme-[0-9a-f]{6}$/);
    expect(uniqueSlug("Acme")).not.toBe(uniqueSlug("Acme"));
  });
});
