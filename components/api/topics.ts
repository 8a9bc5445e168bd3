import type { z } from "zod";
import type { archiveTopic, createTopic, listTopics, updateTopic } from "@/lib/topics/manage-topics";
import type { ZCreateTopic, ZUpdateTopic } from "@/lib/topics/schemas";
import { path, type Send } from "./request";
import type { Answer } from "./types";

/** Subscription topics: /api/workspaces/[slug]/topics/… (Settings → Subscription topics, the broadcast editor). */
export function topicsApi(send: Send) {
  const topics = (slug: string) => path`/workspaces/${slug}/topics`;
  const topic = (slug: string, id: string) => path`/workspaces/${slug}/topics/${id}`;
  return {
    /** Live topics first, each with how many people joined and left it. */
    list: (slug: string) => send<Answer<typeof listTopics>>("GET", topics(slug)),
    create: (slug: string, body: z.input<typeof ZCreateTopic>) =>
      send<Answer<typeof createTopic>>("POST", topics(slug), { body }),
    update: (slug: string, id: string, body: z.input<typeof ZUpdateTopic>) =>
      send<Answer<typeof updateTopic>>("PATCH", topic(slug, id), { body }),
    archive: (slug: string, id: string) => send<Answer<typeof archiveTopic>>("POST", `${topic(slug, id)}/archive`),
  };
}
