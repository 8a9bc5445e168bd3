import type { Queryable } from "../db/sql";
import { selectCurrentProfileId } from "../messaging/store/recipients";
import type { TopicChoiceSource, TopicStatus } from "./schemas";
import { upsertTopicSubscription } from "./store/topics";

/**
 * Records a person's choice for a topic, inside the caller's transaction, on the person the profile is now (it
 * may have been merged since the message went out), and answers whether it changed what delivery does: from the
 * default or an earlier choice to this one. The preference page, the unsubscribe link and the API all write
 * through here; each then records its own message event and profile event.
 */
export async function recordTopicChoice(
  q: Queryable,
  choice: {
    workspaceId: string;
    profileId: string;
    topic: { id: string; defaultStatus: TopicStatus };
    status: TopicStatus;
    source: TopicChoiceSource;
    at: Date;
  },
): Promise<{ changed: boolean; profileId: string }> {
  const profileId = (await selectCurrentProfileId(q, choice.profileId)) ?? choice.profileId;
  const previous = await upsertTopicSubscription(q, {
    workspaceId: choice.workspaceId,
    profileId,
    topicId: choice.topic.id,
    status: choice.status,
    source: choice.source,
    at: choice.at,
  });
  return { changed: (previous ?? choice.topic.defaultStatus) !== choice.status, profileId };
}
