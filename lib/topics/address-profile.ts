import { pgPool } from "../db/pool";
import type { Queryable } from "../db/sql";
import { afterIngest } from "../ingest/after-ingest";
import type { NormalizedEvent } from "../ingest/normalize";
import { storeBatch } from "../ingest/store-batch";
import type { Channel } from "../messaging/liquid";
import { normalizeAddress } from "../messaging/suppressions";
import { selectProfileIdByAddress } from "../messaging/transactional/store/transactional-messages";

/**
 * The profile whose choices a message to a bare address records (a transactional message sent to `{ email }` or
 * `{ phone }` that was no one's profile, POST /api/v1/send). Leaving a topic must be remembered for the address,
 * and choices are kept per profile, so: the workspace's profile with that address if there is one now, else a new
 * one made the way any profile is made, by an identify through ingestion (an anonymous id derived from the address,
 * the address as its trait). Later sends to the address find it (send-transactional's recipientOf looks profiles
 * up by address), so delivery's topic check sees the choice. Called before any transaction opens: ingestion runs
 * its own (the embedded database serves one at a time).
 */
export function findAddressProfile(workspaceId: string, channel: Channel, address: string): Promise<string | null> {
  return findAddressProfileIn(pgPool(), workspaceId, channel, address);
}

/** findAddressProfile on the caller's connection (inside its transaction). */
export async function findAddressProfileIn(
  q: Queryable,
  workspaceId: string,
  channel: Channel,
  address: string,
): Promise<string | null> {
  if (channel !== "email" && channel !== "sms") return null;
  const normalized = normalizeAddress(channel, address);
  return selectProfileIdByAddress(q, workspaceId, channel === "email" ? "email" : "phone", [
    ...new Set([address, normalized]),
  ]);
}

export async function findOrCreateAddressProfile(
  workspaceId: string,
  channel: Channel,
  address: string,
  at: Date,
): Promise<string | null> {
  const found = await findAddressProfile(workspaceId, channel, address);
  if (found || (channel !== "email" && channel !== "sms")) return found;
  const normalized = normalizeAddress(channel, address);
  const identify: NormalizedEvent = {
    messageId: `cairn-address-profile-${channel}-${normalized}`,
    type: "identify",
    name: null,
    userId: null,
    anonymousId: `cairn-address:${channel}:${normalized}`,
    previousId: null,
    properties: {},
    traits: channel === "email" ? { email: normalized } : { phone: normalized },
    context: { library: { name: "cairn-messaging" } },
    timestamp: at,
    originalTimestamp: at,
    sentAt: null,
    receivedAt: at,
  };
  const stored = await storeBatch(workspaceId, [identify], "messaging");
  if (stored.stored) afterIngest();
  return findAddressProfile(workspaceId, channel, address);
}
