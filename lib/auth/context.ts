import { AppError } from "../errors";
import { forbidden, type Permission, type RoleName } from "./permissions";

/** Who did something: recorded in the audit log with every change. */
export type Actor =
  | { kind: "user"; userId: string; email: string }
  | { kind: "api_key"; apiKeyId: string; name: string }
  | { kind: "system"; label: string };

/**
 * Everything a domain function needs to act inside one workspace on someone's behalf. It is built at the
 * boundary (session + membership, or API key) and is the only way into workspace data: every query takes
 * `ctx.workspace.id`, so there is no unscoped path.
 */
export interface WorkspaceContext {
  workspace: { id: string; slug: string; name: string };
  /** The member's role; null when the actor is an API key. */
  role: RoleName | null;
  actor: Actor;
  permissions: ReadonlySet<Permission>;
}

export function can(ctx: WorkspaceContext, permission: Permission): boolean {
  return ctx.permissions.has(permission);
}

export function requirePermission(ctx: WorkspaceContext, permission: Permission): void {
  if (!ctx.permissions.has(permission)) throw forbidden(permission);
}

export function requireUser(ctx: WorkspaceContext): Extract<Actor, { kind: "user" }> {
  if (ctx.actor.kind !== "user")
    throw new AppError("forbidden", "This action needs a signed-in member, not an API key.");
  return ctx.actor;
}

export function actorLabel(actor: Actor): string {
  switch (actor.kind) {
    case "user":
      return actor.email;
    case "api_key":
      return `API key "${actor.name}"`;
    case "system":
      return actor.label;
  }
}
