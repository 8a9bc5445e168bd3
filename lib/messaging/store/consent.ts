import { z } from "zod";
import { execute, type Queryable, selectRow, selectRows } from "../../db/sql";
import { CHANNELS, type Channel } from "../liquid";
import type { ConsentStatus } from "../policy";

/**
 * The SQL of consent records (ChannelConsent: a person's "opted_in" or "unsubscribed" per channel) and of the
 * workspace setting read with them (MessagingPolicy.requireOptIn). Whether a record lets a message through is
 * decided in lib/messaging/policy.ts (consentDecision).
 */

const STATUSES = ["opted_in", "subscribed", "unsubscribed"] as const satisfies readonly ConsentStatus[];
const ConsentRow = z.object({ channel: z.string(), status: z.enum(STATUSES) });

/** The person's consent record for the channel, or null without one. */
export async function selectConsentStatus(
  q: Queryable,
  profileId: string,
  channel: string,
): Promise<ConsentStatus | null> {
  const row = await selectRow(
    q,
    ConsentRow.pick({ status: true }),
    `SELECT status FROM "ChannelConsent" WHERE "profileId" = $1 AND channel = $2`,
    [profileId, channel],
  );
  return row?.status ?? null;
}

/** The person's consent records, one per channel that has one. */
export function selectConsents(q: Queryable, profileId: string): Promise<z.infer<typeof ConsentRow>[]> {
  return selectRows(q, ConsentRow, `SELECT channel, status FROM "ChannelConsent" WHERE "profileId" = $1`, [profileId]);
}

const PreviousRow = z.object({ previous: z.string().nullable() });

/** Records the person's consent for the channel and returns the status it replaced (null: there was none). */
export async function upsertConsent(
  q: Queryable,
  consent: { workspaceId: string; profileId: string; channel: string; status: string; source: string; at: Date },
): Promise<string | null> {
  const row = await selectRow(
    q,
    PreviousRow,
    `WITH previous AS (SELECT status FROM "ChannelConsent" WHERE "profileId" = $2 AND channel = $3)
     INSERT INTO "ChannelConsent" ("workspaceId", "profileId", channel, status, source, "updatedAt") VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT ("profileId", channel) DO UPDATE SET status = EXCLUDED.status, source = EXCLUDED.source, "updatedAt" = EXCLUDED."updatedAt"
     RETURNING (SELECT status FROM previous) AS previous`,
    [consent.workspaceId, consent.profileId, consent.channel, consent.status, consent.source, consent.at],
  );
  return row?.previous ?? null;
}

/** Unsubscribes the person a profile is now (it may have been merged) from the channel, because of a spam complaint. */
export async function unsubscribeForComplaint(
  q: Queryable,
  workspaceId: string,
  profileId: string,
  channel: string,
  at: Date,
): Promise<void> {
  await execute(
    q,
    `INSERT INTO "ChannelConsent" ("workspaceId", "profileId", channel, status, source, "updatedAt")
         SELECT $1, COALESCE(p."mergedIntoId", p.id), $3, 'unsubscribed', 'complaint', $4 FROM "Profile" p WHERE p.id = $2
         ON CONFLICT ("profileId", channel) DO UPDATE SET status = 'unsubscribed', source = 'complaint', "updatedAt" = EXCLUDED."updatedAt"`,
    [workspaceId, profileId, channel, at],
  );
}

// written only through the policy's schema (lib/messaging/policy.ts), which allows channels only
const RequireOptInRow = z.object({ requireOptIn: z.array(z.enum(CHANNELS)) });

/** The channels for which the workspace requires an opt-in (none without a policy). */
export async function selectRequireOptIn(q: Queryable, workspaceId: string): Promise<Channel[]> {
  const row = await selectRow(
    q,
    RequireOptInRow,
    `SELECT "requireOptIn" FROM "MessagingPolicy" WHERE "workspaceId" = $1`,
    [workspaceId],
  );
  return row?.requireOptIn ?? [];
}
