import { requirePermission, type WorkspaceContext } from "../auth/context";
import { pgPool, withTransaction } from "../db/pool";
import { AppError, parseInput } from "../errors";
import { recordPersonEvent } from "../messaging/engagement";
import { getProfile } from "../profiles/profiles";
import { systemClock, type Clock } from "../runtime/clock";
import { recordTopicChoice } from "./record-topic-choice";
import { ZSetTopicSubscription, ZTopicKey } from "./schemas";
import { selectTopicByKey } from "./store/topics";

export interface ProfileTopicChoice {
  profileId: string;
  topic: string;
  status: "subscribed" | "unsubscribed";
  /** false when the person was already there (their choice or the topic's default) */
  changed: boolean;
}

/**
 * PUT /api/v1/profiles/{id}/topics/{key}: the customer's backend (a full key) or a member (editor and up) records a
 * person's choice, e.g. from the customer's own settings page. An archived topic can still be left or joined
 * (its queued messages are still checked). Leaving stores an "Unsubscribed" event with the topic's key, as the
 * links do, so journeys can react; joining stores "Subscribed".
 */
export async function setProfileTopic(
  ctx: WorkspaceContext,
  profileIdOrUserId: string,
  key: string,
  input: unknown,
  clock: Clock = systemClock,
): Promise<ProfileTopicChoice> {
  requirePermission(ctx, "content:write");
  const body = parseInput(ZSetTopicSubscription, input);
  const profile = await getProfile(ctx, profileIdOrUserId);
  const topic = ZTopicKey.safeParse(key).success ? await selectTopicByKey(pgPool(), ctx.workspace.id, key) : null;
  if (!topic) throw new AppError("not_found", `No subscription topic with the key "${key}" in this workspace.`);
  const now = clock();
  const { changed, profileId } = await withTransaction((client) =>
    recordTopicChoice(client, {
      workspaceId: ctx.workspace.id,
      profileId: profile.id,
      topic,
      status: body.status,
      source: "api",
      at: now,
    }),
  );
  if (changed)
    await recordPersonEvent(
      ctx.workspace.id,
      profileId,
      body.status === "unsubscribed" ? "Unsubscribed" : "Subscribed",
      `topic-${topic.id}-${profileId}-${now.getTime()}`,
      { topic: topic.key, source: "api" },
      now,
    );
  return { profileId, topic: topic.key, status: body.status, changed };
}
