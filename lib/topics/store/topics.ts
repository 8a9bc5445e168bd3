import { z } from "zod";
import { execute, type Queryable, selectRow, selectRows } from "../../db/sql";
import { TOPIC_CATEGORIES, TOPIC_STATUSES } from "../schemas";

/**
 * The SQL of subscription topics (SubscriptionTopic) and people's choices (TopicSubscription). Whether a choice
 * lets a message through is decided in lib/topics/topic-consent.ts; writes of settings go through Prisma in
 * lib/topics/manage-topics.ts (plain CRUD with its audit entry).
 */

const TopicRow = z.object({
  id: z.string(),
  workspaceId: z.string(),
  key: z.string(),
  name: z.string(),
  description: z.string(),
  category: z.enum(TOPIC_CATEGORIES),
  defaultStatus: z.enum(TOPIC_STATUSES),
  createdAt: z.date(),
  updatedAt: z.date(),
  archivedAt: z.date().nullable(),
});
export type TopicRow = z.infer<typeof TopicRow>;
const TOPIC_COLUMNS = `t.id, t."workspaceId", t.key, t.name, t.description, t.category, t."defaultStatus", t."createdAt", t."updatedAt", t."archivedAt"`;

/** Serialises topic creation in a workspace until `q`'s transaction ends, so two admins cannot both take the 50th slot. */
export async function lockWorkspaceTopics(q: Queryable, workspaceId: string): Promise<void> {
  await execute(q, `SELECT pg_advisory_xact_lock(hashtextextended($1, 7519))`, [workspaceId]);
}

const CountedTopicRow = TopicRow.extend({ subscribed: z.number(), unsubscribed: z.number() });

/** The workspace's topics, live first then by name, with how many people chose each way. */
export function selectTopicsWithCounts(q: Queryable, workspaceId: string): Promise<z.infer<typeof CountedTopicRow>[]> {
  return selectRows(
    q,
    CountedTopicRow,
    `SELECT ${TOPIC_COLUMNS},
            (SELECT count(*)::int FROM "TopicSubscription" s WHERE s."topicId" = t.id AND s.status = 'subscribed') AS subscribed,
            (SELECT count(*)::int FROM "TopicSubscription" s WHERE s."topicId" = t.id AND s.status = 'unsubscribed') AS unsubscribed
       FROM "SubscriptionTopic" t WHERE t."workspaceId" = $1 ORDER BY t."archivedAt" IS NOT NULL, lower(t.name), t.key`,
    [workspaceId],
  );
}

/** A topic of the workspace by its key, archived or not. */
export async function selectTopicByKey(q: Queryable, workspaceId: string, key: string): Promise<TopicRow | null> {
  return (
    (await selectRow(
      q,
      TopicRow,
      `SELECT ${TOPIC_COLUMNS} FROM "SubscriptionTopic" t WHERE t."workspaceId" = $1 AND t.key = $2`,
      [workspaceId, key],
    )) ?? null
  );
}

/** A topic of the workspace by its id, archived or not. */
export async function selectTopicById(q: Queryable, workspaceId: string, id: string): Promise<TopicRow | null> {
  return (
    (await selectRow(
      q,
      TopicRow,
      `SELECT ${TOPIC_COLUMNS} FROM "SubscriptionTopic" t WHERE t."workspaceId" = $1 AND t.id = $2::uuid`,
      [workspaceId, id],
    )) ?? null
  );
}

const ChoiceRow = z.object({
  profileId: z.string(),
  topicName: z.string(),
  defaultStatus: z.enum(TOPIC_STATUSES),
  status: z.enum(TOPIC_STATUSES).nullable(),
});
export type TopicChoiceRow = z.infer<typeof ChoiceRow>;

/**
 * Each person's choice for the topic (null: none recorded, the default holds), with the topic's name and default.
 * One statement for a whole batch; the topic is read whether archived or not (an unsubscribe is never lost).
 */
export function selectTopicChoices(q: Queryable, topicId: string, profileIds: string[]): Promise<TopicChoiceRow[]> {
  return selectRows(
    q,
    ChoiceRow,
    `SELECT p.id AS "profileId", t.name AS "topicName", t."defaultStatus", s.status
       FROM "SubscriptionTopic" t CROSS JOIN unnest($2::uuid[]) AS p(id)
       LEFT JOIN "TopicSubscription" s ON s."topicId" = t.id AND s."profileId" = p.id
      WHERE t.id = $1::uuid`,
    [topicId, profileIds],
  );
}

const ProfileTopicRow = TopicRow.pick({
  id: true,
  key: true,
  name: true,
  description: true,
  category: true,
  defaultStatus: true,
}).extend({ status: z.enum(TOPIC_STATUSES).nullable() });
export type ProfileTopicRow = z.infer<typeof ProfileTopicRow>;

/** The workspace's live topics with the person's choice for each (null: none recorded), as a preference page lists them. */
export function selectLiveTopicsOfProfile(
  q: Queryable,
  workspaceId: string,
  profileId: string | null,
): Promise<ProfileTopicRow[]> {
  return selectRows(
    q,
    ProfileTopicRow,
    `SELECT t.id, t.key, t.name, t.description, t.category, t."defaultStatus", s.status
       FROM "SubscriptionTopic" t LEFT JOIN "TopicSubscription" s ON s."topicId" = t.id AND s."profileId" = $2::uuid
      WHERE t."workspaceId" = $1 AND t."archivedAt" IS NULL
      ORDER BY t.category, lower(t.name), t.key`,
    [workspaceId, profileId],
  );
}

const PreviousRow = z.object({ previous: z.enum(TOPIC_STATUSES).nullable() });

/** Records the person's choice for the topic and returns the one it replaced (null: there was none). */
export async function upsertTopicSubscription(
  q: Queryable,
  choice: { workspaceId: string; profileId: string; topicId: string; status: string; source: string; at: Date },
): Promise<"subscribed" | "unsubscribed" | null> {
  const row = await selectRow(
    q,
    PreviousRow,
    `WITH previous AS (SELECT status FROM "TopicSubscription" WHERE "profileId" = $2 AND "topicId" = $3)
     INSERT INTO "TopicSubscription" ("workspaceId", "profileId", "topicId", status, source, "updatedAt") VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT ("profileId", "topicId") DO UPDATE SET status = EXCLUDED.status, source = EXCLUDED.source, "updatedAt" = EXCLUDED."updatedAt"
     RETURNING (SELECT status FROM previous) AS previous`,
    [choice.workspaceId, choice.profileId, choice.topicId, choice.status, choice.source, choice.at],
  );
  return row?.previous ?? null;
}
