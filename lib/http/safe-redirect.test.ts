import { describe, expect, it } from "vitest";
import { safeReturnPath } from "./safe-redirect";

describe("safeReturnPath", () => {
  it("keeps same-site paths", () => {
    expect(safeReturnPath("/w/acme/settings?tab=1")).toBe("/w/acme/settings?tab=1");
  });
  it.each(["https://evil.example", "//evil.example", "/\\evil.example", "javascript:alert(1)", "", undefined])(
    "sends %j home",
    (value) => {
      expect(safeReturnPath(value)).toBe("/");
    },
  );
});
