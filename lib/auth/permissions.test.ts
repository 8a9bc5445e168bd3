import { describe, expect, it } from "vitest";
import { permissionsOfApiKey, permissionsOfRole, type Permission } from "./permissions";

const sorted = (set: Set<Permission>) => [...set].sort();

describe("permissions", () => {
  it("gives viewers read access only", () => {
    expect(sorted(permissionsOfRole("VIEWER"))).toEqual(["workspace:read"]);
  });
  it("lets editors change content but not people, keys or settings", () => {
    expect(sorted(permissionsOfRole("EDITOR"))).toEqual(["content:write", "workspace:read"]);
  });
  it("lets admins manage members, keys, settings and read the audit log, but not the owner role", () => {
    const admin = permissionsOfRole("ADMIN");
    expect(sorted(admin)).toEqual([
      "api_keys:manage",
      "audit:read",
      "content:write",
      "members:manage",
      "settings:manage",
      "workspace:read",
    ]);
    expect(admin.has("owners:manage")).toBe(false);
  });
  it("gives owners everything a member can have", () => {
    expect(permissionsOfRole("OWNER").has("owners:manage")).toBe(true);
    expect(permissionsOfRole("OWNER").size).toBe(permissionsOfRole("ADMIN").size + 1);
  });
  it("lets write keys ingest only, and full keys also read and change content", () => {
    expect(sorted(permissionsOfApiKey("WRITE"))).toEqual(["ingest"]);
    expect(sorted(permissionsOfApiKey("FULL"))).toEqual(["content:write", "ingest", "messages:send", "workspace:read"]);
  });
  it("never lets a key manage members or keys", () => {
    for (const scope of ["WRITE", "FULL"] as const) {
      expect(permissionsOfApiKey(scope).has("members:manage")).toBe(false);
      expect(permissionsOfApiKey(scope).has("api_keys:manage")).toBe(false);
    }
  });
});
