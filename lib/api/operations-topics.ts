import { ZCreateTopic, ZSetTopicSubscription, ZUpdateTopic } from "../topics/schemas";
import { keyOperation } from "./operation";

const TAG = "Subscription topics";

/** Subscription topics and people's choices (listed in API_OPERATIONS by lib/api/operations.ts). */
export const topicsApi = {
  list: keyOperation({
    method: "GET",
    path: "/topics",
    tag: TAG,
    permission: "workspace:read",
    auth: "either",
    summary: "List subscription topics",
    description:
      "Live topics first, then archived ones, each with how many people chose to be in it (`subscribedCount`) and how many left it (`unsubscribedCount`).",
  }),
  create: keyOperation({
    method: "POST",
    path: "/topics",
    tag: TAG,
    permission: "settings:manage",
    auth: "either",
    body: ZCreateTopic,
    status: 201,
    summary: "Create a subscription topic",
    description: `\`key\` is unique in the workspace (archived topics included) and cannot change; at most 50 topics that are not archived. \`defaultStatus\` "subscribed" is opt-out (everyone gets it until they leave), "unsubscribed" opt-in. Admins and owners (API keys cannot).`,
  }),
  update: keyOperation({
    method: "PATCH",
    path: "/topics/{id}",
    tag: TAG,
    permission: "settings:manage",
    auth: "either",
    body: ZUpdateTopic,
    summary: "Change a topic's name, description or default",
    description:
      "`{id}` is the topic's id or key. Archived topics do not change (409). Admins and owners (API keys cannot).",
  }),
  archive: keyOperation({
    method: "POST",
    path: "/topics/{id}/archive",
    tag: TAG,
    permission: "settings:manage",
    auth: "either",
    summary: "Archive a topic",
    description:
      "New sends can no longer choose it and preference pages stop listing it; messages already queued with it are still checked against people's choices. Admins and owners (API keys cannot).",
  }),
  setProfileTopic: keyOperation({
    method: "PUT",
    path: "/profiles/{id}/topics/{key}",
    tag: TAG,
    permission: "content:write",
    auth: "either",
    body: ZSetTopicSubscription,
    summary: "Record a person's choice for a topic",
    description:
      "`{id}` is a userId, anonymousId or Cairn's profile id. Leaving stores an `Unsubscribed` profile event with `topic` in its properties, joining a `Subscribed` one, so journeys can react. `changed` is false when the person already was where the body says.",
  }),
};
