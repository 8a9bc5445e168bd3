import { AppError } from "../errors";

/**
 * Who may do what. Roles are ordered (viewer < editor < admin < owner); each permission names the
 * lowest role that has it. API keys get permissions from their scope instead of a role.
 */
export const ROLES = ["OWNER", "ADMIN", "EDITOR", "VIEWER"] as const;
export type RoleName = (typeof ROLES)[number];

export const ROLE_LABELS: Record<RoleName, string> = {
  OWNER: "Owner",
  ADMIN: "Admin",
  EDITOR: "Editor",
  VIEWER: "Viewer",
};

export const ROLE_DESCRIPTIONS: Record<RoleName, string> = {
  OWNER: "Everything, including granting the owner role",
  ADMIN: "Manage members, API keys and settings; edit everything",
  EDITOR: "Build and publish journeys, templates and segments",
  VIEWER: "Read journeys and dashboards; change nothing",
};

const RANK: Record<RoleName, number> = { VIEWER: 0, EDITOR: 1, ADMIN: 2, OWNER: 3 };

export type Permission =
  | "workspace:read" // see journeys, profiles, dashboards, members
  | "content:write" // journeys, templates, segments
  | "members:manage"
  | "api_keys:manage"
  | "audit:read"
  | "settings:manage" // workspace name and, later, channels and limits
  | "owners:manage" // grant or take away the owner role
  | "ingest" // send events (API keys only)
  | "messages:send"; // transactional messages, POST /api/v1/send (full API keys only: a backend's call, not a member's)

/** Permissions only API keys have: no role grants them. */
type KeyOnly = "ingest" | "messages:send";

const LOWEST_ROLE: Record<Exclude<Permission, KeyOnly>, RoleName> = {
  "workspace:read": "VIEWER",
  "content:write": "EDITOR",
  "members:manage": "ADMIN",
  "api_keys:manage": "ADMIN",
  "audit:read": "ADMIN",
  "settings:manage": "ADMIN",
  "owners:manage": "OWNER",
};

export function roleAtLeast(role: RoleName, lowest: RoleName): boolean {
  return RANK[role] >= RANK[lowest];
}

export function permissionsOfRole(role: RoleName): Set<Permission> {
  return new Set(
    (Object.keys(LOWEST_ROLE) as Exclude<Permission, KeyOnly>[]).filter((p) => roleAtLeast(role, LOWEST_ROLE[p])),
  );
}

export function permissionsOfApiKey(scope: "WRITE" | "FULL"): Set<Permission> {
  // A full key drives the management API (journeys, segments, templates) and sends transactional messages, but
  // never manages people or keys.
  return scope === "FULL"
    ? new Set<Permission>(["ingest", "workspace:read", "content:write", "messages:send"])
    : new Set<Permission>(["ingest"]);
}

const DENIED_MESSAGES: Record<Permission, string> = {
  "workspace:read": "You cannot read this workspace.",
  "content:write": "Your role can read but not change anything; an editor, admin or owner can.",
  "members:manage": "Only admins and owners can manage members.",
  "api_keys:manage": "Only admins and owners can manage API keys.",
  "audit:read": "Only admins and owners can read the audit log.",
  "settings:manage": "Only admins and owners can change workspace settings.",
  "owners:manage": "Only owners can grant or change the owner role.",
  ingest: "Only API keys can send events.",
  "messages:send": "Only an API key with the full scope can send transactional messages.",
};

export function forbidden(permission: Permission): AppError {
  return new AppError("forbidden", DENIED_MESSAGES[permission]);
}
