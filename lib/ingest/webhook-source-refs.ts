import { createHash } from "node:crypto";
import { can, type WorkspaceContext } from "../auth/context";

/**
 * A webhook source's id is its credential when it has no signing secret: anyone who knows the URL
 * (/api/v1/webhooks/<id>) can send events as that source. So only those who may change the workspace's
 * content (editors and up, full API keys) see ids, URLs and mappings; viewers see a source's name and last
 * delivery, and events name the source by an opaque reference instead of its id.
 */
export function canSeeWebhookSourceIds(ctx: WorkspaceContext): boolean {
  return can(ctx, "content:write");
}

/** A stable stand-in for a source's id that cannot be turned back into it (a truncated SHA-256). */
export function webhookSourceRef(id: string): string {
  return `ref-${createHash("sha256").update(`cairn webhook source ${id}`).digest("hex").slice(0, 20)}`;
}

/** What the webhook source's id is shown as to ctx: the id itself, or its reference. */
export function webhookSourceKey(ctx: WorkspaceContext, id: string): string {
  return canSeeWebhookSourceIds(ctx) ? id : webhookSourceRef(id);
}

/** An event's `source` ("api", "webhook:<id>") as ctx may see it: "webhook:<key>". */
export function eventSourceFor(ctx: WorkspaceContext, source: string): string {
  return source.startsWith("webhook:") ? `webhook:${webhookSourceKey(ctx, source.slice("webhook:".length))}` : source;
}
