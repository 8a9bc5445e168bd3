import type pg from "pg";
import { reevaluateProfileSegments } from "../segments/membership";
import type { Channel } from "./liquid";
import { selectMessageProfileIds } from "./store/deliveries";
import { insertSuppressions } from "./store/suppressions";

/**
 * The suppression list: addresses of a workspace that must never receive again (hard bounces, spam complaints,
 * dead push tokens). Addresses are kept normalised, so a check and an entry agree on what "the same address" is.
 */
export function normalizeAddress(channel: Channel, address: string): string {
  return channel === "email" ? address.trim().toLowerCase() : address.trim();
}

/** Adds addresses to the workspace's suppression list (an address already there keeps its first reason). */
export async function suppress(
  client: pg.PoolClient,
  workspaceId: string,
  channel: Channel,
  addresses: string[],
  reason: string,
  detail: string,
  messageId: string | null,
  now: Date,
): Promise<void> {
  if (!addresses.length) return;
  await insertSuppressions(
    client,
    { workspaceId, channel, reason, detail, messageId, at: now },
    addresses.map((a) => normalizeAddress(channel, a)),
  );
  // Reachability segments read suppressions, and nothing else would tell them (no event, and the clock never
  // changes a suppression): re-check the message's person now, in this transaction. The entries and exits are
  // announced by the segment-checks sweep.
  if (messageId)
    await reevaluateProfileSegments(client, workspaceId, await selectMessageProfileIds(client, messageId), now);
}
