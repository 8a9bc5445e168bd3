import { topicsApi } from "@/lib/api/operations-topics";
import { withWorkspace } from "@/lib/http/handler";
import { setProfileTopic } from "@/lib/topics/set-profile-topic";

/** A person's choice for a subscription topic (full key, or a member from editor up). */
export const PUT = withWorkspace(topicsApi.setProfileTopic, (ctx, { params, body }) =>
  setProfileTopic(ctx, decodeURIComponent(params.id), params.key, body),
);
