import type { Queryable } from "../db/sql";
import type { TopicStatus } from "./schemas";
import { selectTopicChoices } from "./store/topics";

/**
 * Whether a person may get a message of a topic: their own choice when they made one, else the topic's default
 * (opt-out topics let everyone through until they leave, opt-in ones only who joined). Delivery asks it for every
 * message that has a topic, marketing or transactional alike (issue #19: a transactional stream can be left on
 * its own; a transactional message without a topic is never stopped by any topic). An archived topic is still
 * asked: archiving stops new sends choosing it, it never forgets who left.
 */
export type TopicDecision = { allowed: true } | { allowed: false; reason: string };

export function topicDecision(
  topic: { name: string; defaultStatus: TopicStatus },
  status: TopicStatus | null,
): TopicDecision {
  const effective = status ?? topic.defaultStatus;
  if (effective === "subscribed") return { allowed: true };
  return {
    allowed: false,
    reason:
      status === "unsubscribed"
        ? `Unsubscribed from the topic "${topic.name}"`
        : `Not opted in to the topic "${topic.name}" (it is opt-in)`,
  };
}

/**
 * The people (current profile ids, merges followed by the caller) the topic stops, with why: one read for the
 * whole batch. A topic that no longer exists stops no one (topics are archived, never deleted).
 */
export async function topicRefusals(q: Queryable, topicId: string, profileIds: string[]): Promise<Map<string, string>> {
  const refused = new Map<string, string>();
  if (!profileIds.length) return refused;
  for (const row of await selectTopicChoices(q, topicId, [...new Set(profileIds)])) {
    const decision = topicDecision({ name: row.topicName, defaultStatus: row.defaultStatus }, row.status);
    if (!decision.allowed) refused.set(row.profileId, decision.reason);
  }
  return refused;
}

/** The one-message form of topicRefusals: why the topic stops the person, or null when it lets them through. */
export async function topicRefusal(q: Queryable, topicId: string, profileId: string): Promise<string | null> {
  return (await topicRefusals(q, topicId, [profileId])).get(profileId) ?? null;
}
