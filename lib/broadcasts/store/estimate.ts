import { z } from "zod";
import { execute, type Queryable, selectRows } from "../../db/sql";

/**
 * The audience estimate in one grouped statement: each member of the included segments (live profiles only, as
 * lib/broadcasts/audience counts them) is classified by the first reason
 * it would not get the message, in the order delivery checks them (lib/messaging/delivery.ts): excluded, no contact
 * point, suppressed, unsubscribed from the broadcast's topic, no consent, frequency cap. Grouped by outcome and the profile's zone, so a local-time schedule's
 * hours come from the same pass.
 */

export type EstimateOutcome =
  | "excluded"
  | "no_contact"
  | "suppressed"
  | "unsubscribed_topic"
  | "no_consent"
  | "capped"
  | "ok";

export interface EstimateInput {
  workspaceId: string;
  segmentIds: string[];
  excludedSegmentIds: string[];
  channel: string;
  /** the workspace requires opt-in on this channel */
  requireOptIn: boolean;
  /** the channel's frequency caps: at most `limit` since `since` */
  caps: { limit: number; since: Date }[];
  /** the broadcast's subscription topic: people whose choice (else the topic's default) is "unsubscribed" are out */
  topicId?: string | null;
}

const EstimateRow = z.object({ outcome: z.string(), timezone: z.string().nullable(), n: z.number() });

/** A contact point as prepare-send.ts checks it (push: at least one device token; in-app: a userId). */
const CONTACT: Record<string, string> = {
  email: `p.email IS NOT NULL AND p.email ~ '^[^\\s@]+@[^\\s@]+$'`,
  sms: `regexp_replace(coalesce(p.phone, ''), '[\\s().-]', '', 'g') ~ '^\\+[1-9]\\d{6,14}$'`,
  push: `jsonb_typeof(p."pushTokens") = 'array' AND jsonb_array_length(p."pushTokens") > 0`,
  in_app: `p."userId" IS NOT NULL`,
  // a webhook goes to the broadcast's URL, not to an address of the person (lib/broadcasts/send/webhook-send.ts)
  webhook: "true",
};

/** The suppression list, on the address normalised as lib/messaging/suppressions.ts does; push: every device. */
const SUPPRESSED: Record<string, string> = {
  email: `EXISTS (SELECT 1 FROM "Suppression" s WHERE s."workspaceId" = $1 AND s.channel = 'email'
                    AND s.address = lower(btrim(p.email)))`,
  sms: `EXISTS (SELECT 1 FROM "Suppression" s WHERE s."workspaceId" = $1 AND s.channel = 'sms'
                  AND s.address = regexp_replace(p.phone, '[\\s().-]', '', 'g'))`,
  push: `NOT EXISTS (SELECT 1 FROM jsonb_array_elements(p."pushTokens") t
                      WHERE NOT EXISTS (SELECT 1 FROM "Suppression" s WHERE s."workspaceId" = $1
                                          AND s.channel = 'push' AND s.address = btrim(t->>'token')))`,
  in_app: "false",
};

/**
 * consentDecision (lib/messaging/policy.ts) in SQL: a ChannelConsent row wins over the `<channel>_subscribe`
 * trait (true, false, or one of the three words); unsubscribed never gets it, opted_in always may, anyone else
 * only when the channel needs no opt-in ($5). Simple CASEs, so each row reads its trait and status once.
 */
const NO_CONSENT = `CASE coalesce(c.status,
    CASE p.traits -> ($4 || '_subscribe')
      WHEN 'true'::jsonb THEN 'opted_in' WHEN 'false'::jsonb THEN 'unsubscribed'
      WHEN '"opted_in"'::jsonb THEN 'opted_in' WHEN '"subscribed"'::jsonb THEN 'subscribed'
      WHEN '"unsubscribed"'::jsonb THEN 'unsubscribed' END)
  WHEN 'unsubscribed' THEN true WHEN 'opted_in' THEN false ELSE $5::boolean END`;

/** Webhooks are not a person's channel: consent does not apply ($5 still named, so every parameter has a type). */
const NO_CONSENT_NEEDED = "($5::boolean AND false)";

/**
 * Run it inside a transaction: it sets, for that transaction only, no JIT (compiling costs more than it saves on
 * a one-off statement) and enough work memory to hash a million ids without spilling to disk.
 */
export async function countAudience(q: Queryable, input: EstimateInput): Promise<z.infer<typeof EstimateRow>[]> {
  const channel = input.channel;
  const params: unknown[] = [
    input.workspaceId,
    input.segmentIds,
    input.excludedSegmentIds,
    channel,
    input.requireOptIn,
  ];
  // the people at a cap: one grouped pass over the workspace's messages of the channel sent within the longest
  // window, hash-joined to the audience (probing the index per member cost 3x more on a million); caps are few
  // (at most 20) and the text is keyed by their number
  let cappedCte = "SELECT NULL::uuid AS id WHERE false";
  if (input.caps.length) {
    const checks = input.caps.map((cap) => {
      params.push(cap.since, cap.limit);
      return `count(*) FILTER (WHERE r."sentAt" > $${params.length - 1}) >= $${params.length}`;
    });
    params.push(new Date(Math.min(...input.caps.map((c) => c.since.getTime()))));
    cappedCte = `SELECT r."profileId" AS id FROM "Message" r
                  WHERE r."workspaceId" = $1 AND r.channel = $4 AND r."sentAt" > $${params.length}
                  GROUP BY r."profileId" HAVING ${checks.join(" OR ")}`;
  }
  // topicDecision (lib/topics/topic-consent.ts) in SQL: the person's choice, else the topic's default. Not for a
  // webhook: like consent, the batch sender does not ask a person's choices for a request to the broadcast's URL.
  let unsubscribedFromTopic = "false";
  if (input.topicId && channel !== "webhook") {
    params.push(input.topicId);
    unsubscribedFromTopic = `coalesce(
        (SELECT ts.status FROM "TopicSubscription" ts WHERE ts."profileId" = p.id AND ts."topicId" = $${params.length}::uuid),
        (SELECT t."defaultStatus" FROM "SubscriptionTopic" t WHERE t.id = $${params.length}::uuid AND t."workspaceId" = $1)
      ) = 'unsubscribed'`;
  }
  await execute(q, "SET LOCAL jit = off");
  await execute(q, "SET LOCAL work_mem = '64MB'");
  return selectRows(
    q,
    EstimateRow,
    `WITH members AS (
       SELECT DISTINCT "profileId" AS id FROM "SegmentMembership"
        WHERE "workspaceId" = $1 AND "segmentId" = ANY($2::uuid[])
     ), excluded AS (
       SELECT DISTINCT "profileId" AS id FROM "SegmentMembership"
        WHERE "workspaceId" = $1 AND "segmentId" = ANY($3::uuid[])
     ), capped AS (
       ${cappedCte}
     ), classified AS (
       SELECT p.timezone,
              CASE WHEN x.id IS NOT NULL THEN 'excluded'
                   WHEN NOT (${CONTACT[channel] ?? "false"}) THEN 'no_contact'
                   WHEN ${SUPPRESSED[channel] ?? "false"} THEN 'suppressed'
                   WHEN ${unsubscribedFromTopic} THEN 'unsubscribed_topic'
                   WHEN ${channel === "webhook" ? NO_CONSENT_NEEDED : NO_CONSENT} THEN 'no_consent'
                   WHEN k.id IS NOT NULL THEN 'capped'
                   ELSE 'ok' END AS outcome
         FROM members m
         JOIN "Profile" p ON p.id = m.id AND p."workspaceId" = $1 AND p."mergedIntoId" IS NULL
         LEFT JOIN excluded x ON x.id = m.id
         LEFT JOIN capped k ON k.id = m.id
         LEFT JOIN "ChannelConsent" c ON c."profileId" = p.id AND c.channel = $4
     )
     SELECT outcome, timezone, count(*)::int AS n FROM classified GROUP BY outcome, timezone`,
    params,
  );
}

/** The first `limit` people of the audience (included, not excluded), by id: who a preview renders for. */
export async function selectAudienceSample(
  q: Queryable,
  workspaceId: string,
  segmentIds: string[],
  excludedSegmentIds: string[],
  limit: number,
): Promise<string[]> {
  const rows = await selectRows(
    q,
    z.object({ id: z.string() }),
    `SELECT DISTINCT m."profileId" AS id FROM "SegmentMembership" m
       JOIN "Profile" p ON p.id = m."profileId" AND p."workspaceId" = $1 AND p."mergedIntoId" IS NULL
      WHERE m."workspaceId" = $1 AND m."segmentId" = ANY($2::uuid[])
        AND NOT EXISTS (SELECT 1 FROM "SegmentMembership" x
                         WHERE x."segmentId" = ANY($3::uuid[]) AND x."profileId" = m."profileId")
      ORDER BY m."profileId" LIMIT $4`,
    [workspaceId, segmentIds, excludedSegmentIds, limit],
  );
  return rows.map((r) => r.id);
}
