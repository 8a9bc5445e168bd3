import { z } from "zod";
import { type Queryable, selectRow } from "../../db/sql";

/**
 * The SQL that reads the people messages go to (Profile, ProfileIdentity). A profile merged into another since a
 * message was queued is that other person now: every read here follows mergedIntoId.
 */

// `type` is what the device said it is ("ios", "android"), "unknown" when it did not say.
const PushTokens = z.array(z.looseObject({ token: z.string(), type: z.string().optional() }));

const RecipientRow = z.object({
  id: z.string(),
  userId: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  timezone: z.string().nullable(),
  traits: z.record(z.string(), z.unknown()),
  pushTokens: PushTokens,
});
export type Recipient = z.infer<typeof RecipientRow>;

/** The person a profile is now, with the contact points and traits delivery reads. */
export async function selectRecipient(q: Queryable, profileId: string): Promise<Recipient | null> {
  const row = await selectRow(
    q,
    RecipientRow,
    `SELECT p.id, p."userId", p.email, p.phone, p.timezone, p.traits, p."pushTokens"
       FROM "Profile" r JOIN "Profile" p ON p.id = COALESCE(r."mergedIntoId", r.id) WHERE r.id = $1`,
    [profileId],
  );
  return row ?? null;
}

/** The id of the person a profile is now (the profile's own id when it was never merged), or null if it is gone. */
export async function selectCurrentProfileId(q: Queryable, profileId: string): Promise<string | null> {
  const row = await selectRow(
    q,
    z.object({ id: z.string() }),
    `SELECT COALESCE("mergedIntoId", id) AS id FROM "Profile" WHERE id = $1`,
    [profileId],
  );
  return row?.id ?? null;
}

const IdentityRow = z.object({ kind: z.string(), value: z.string() });

/** One identity of the person a profile is now that events can name them by: the oldest userId, else the oldest anonymousId. */
export async function selectAddressableIdentity(
  q: Queryable,
  profileId: string | null,
): Promise<z.infer<typeof IdentityRow> | null> {
  if (!profileId) return null; // a transactional message to an address of no profile
  const row = await selectRow(
    q,
    IdentityRow,
    `SELECT i.kind, i.value FROM "Profile" r JOIN "ProfileIdentity" i ON i."profileId" = COALESCE(r."mergedIntoId", r.id)
      WHERE r.id = $1 ORDER BY (i.kind = 'user') DESC, i."createdAt" LIMIT 1`,
    [profileId],
  );
  return row ?? null;
}

const PersonRow = z.object({ id: z.string(), pushTokens: PushTokens });

/** The person a userId names in the workspace (the one they were merged into, if so), with their push tokens. */
export async function selectPersonByUserId(
  q: Queryable,
  workspaceId: string,
  userId: string,
): Promise<z.infer<typeof PersonRow> | null> {
  const row = await selectRow(
    q,
    PersonRow,
    `SELECT p.id, p."pushTokens" FROM "ProfileIdentity" i JOIN "Profile" r ON r.id = i."profileId" JOIN "Profile" p ON p.id = COALESCE(r."mergedIntoId", r.id)
      WHERE i."workspaceId" = $1 AND i.kind = 'user' AND i.value = $2 LIMIT 1`,
    [workspaceId, userId],
  );
  return row ?? null;
}

const RECIPIENT_COLUMNS = `p.id, p."userId", p.email, p.phone, p.timezone, p.traits, p."pushTokens"`;

/**
 * selectPersonByUserId and selectRecipient in one statement: the person a userId names in the workspace (the one
 * they were merged into, if so) as delivery reads them. POST /api/v1/send's recipient, one round trip.
 */
export async function selectRecipientByUserId(
  q: Queryable,
  workspaceId: string,
  userId: string,
): Promise<Recipient | null> {
  const row = await selectRow(
    q,
    RecipientRow,
    `SELECT ${RECIPIENT_COLUMNS} FROM "ProfileIdentity" i JOIN "Profile" r ON r.id = i."profileId" JOIN "Profile" p ON p.id = COALESCE(r."mergedIntoId", r.id)
      WHERE i."workspaceId" = $1 AND i.kind = 'user' AND i.value = $2 LIMIT 1`,
    [workspaceId, userId],
  );
  return row ?? null;
}

/**
 * The live (not merged) profile of the workspace with one of these emails or phone numbers, as stored (the most
 * recently seen when several share it), as delivery reads them: selectProfileIdByAddress
 * (lib/messaging/transactional/store) and selectRecipient in one statement.
 */
export async function selectRecipientByAddress(
  q: Queryable,
  workspaceId: string,
  column: "email" | "phone",
  values: string[],
): Promise<Recipient | null> {
  const row = await selectRow(
    q,
    RecipientRow,
    column === "email"
      ? `SELECT ${RECIPIENT_COLUMNS} FROM "Profile" p WHERE p."workspaceId" = $1 AND p.email = ANY($2::text[]) AND p."mergedIntoId" IS NULL ORDER BY p."lastSeenAt" DESC LIMIT 1`
      : `SELECT ${RECIPIENT_COLUMNS} FROM "Profile" p WHERE p."workspaceId" = $1 AND p.phone = ANY($2::text[]) AND p."mergedIntoId" IS NULL ORDER BY p."lastSeenAt" DESC LIMIT 1`,
    [workspaceId, values],
  );
  return row ?? null;
}
