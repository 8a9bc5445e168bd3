import type { NodeType } from "@/lib/journeys/graph";
import { NODE_MODULES } from "../canvas/nodes";

/**
 * What the Messages pages call a message's step and template: the names a marketer gave them, never the ids
 * the engine keys them by (a node id like "n_4f2c" or a template's UUID means nothing to the reader).
 */
export function stepName(message: {
  nodeId: string | null;
  nodeLabel: string | null;
  nodeType: string | null;
}): string | null {
  if (!message.nodeId) return null;
  if (message.nodeLabel) return message.nodeLabel;
  const title = message.nodeType ? NODE_MODULES[message.nodeType as NodeType]?.title : undefined;
  // an unlabelled step is named by its type; a step gone from the graph (an old, rewritten version) has neither
  return title ? `${title} step` : "a removed step";
}

/**
 * The template's name, with the version sent when known; a deleted template is said to be one, and a transactional
 * message's own content (templateId "inline") is called that.
 */
export function templateName(message: {
  templateId?: string;
  templateName: string | null;
  templateVersion?: number | null;
}): string {
  if (message.templateId === "inline") return "inline content";
  if (!message.templateName) return "a deleted template";
  return message.templateVersion ? `${message.templateName} (v${message.templateVersion})` : message.templateName;
}

/** Whom a message went to as the pages name them: the person's userId or email, else the address of an address-only message. */
export function recipientName(message: {
  profileId: string | null;
  userId: string | null;
  email: string | null;
  to: string | null;
}): string {
  if (message.userId ?? message.email) return (message.userId ?? message.email)!;
  return message.profileId ? "Anonymous" : (message.to ?? "an address");
}

/** Where a message came from, for the timeline's first entry. */
export function queuedBy(message: { category: string; broadcastId: string | null; journeyId: string | null }): string {
  if (message.category === "transactional") return "Accepted by the send API";
  if (message.broadcastId) return "Queued by the broadcast";
  return "Queued by the journey";
}
