import type { z } from "zod";
import type {
  AudienceEstimate,
  BroadcastControlResult,
  BroadcastDetail,
  BroadcastList,
  BroadcastPreview,
  BroadcastSendResult,
  BroadcastTestSend,
} from "@/lib/broadcasts/broadcast-views";
import type { BroadcastSettings } from "@/lib/workspaces/broadcast-settings";
import type {
  ZBroadcastListQuery,
  ZBroadcastSettings,
  ZCreateBroadcast,
  ZEstimateBroadcast,
  ZPreviewBroadcast,
  ZSendBroadcast,
  ZTestSendBroadcast,
  ZUpdateBroadcast,
} from "@/lib/broadcasts/schemas";
import { path, type RequestOptions, type Send } from "./request";

/** Broadcasts: /api/workspaces/[slug]/broadcasts/… (results and statistics: ./broadcast-results.ts) */
export function broadcastsApi(send: Send) {
  const broadcasts = (slug: string) => path`/workspaces/${slug}/broadcasts`;
  const broadcast = (slug: string, id: string) => path`/workspaces/${slug}/broadcasts/${id}`;
  return {
    /** Newest first; `status` filters, `q` searches names; `counts` per status for the tabs. */
    list: (slug: string, query: z.input<typeof ZBroadcastListQuery> = {}) =>
      send<BroadcastList>("GET", broadcasts(slug), { query }),
    get: (slug: string, id: string) => send<BroadcastDetail>("GET", broadcast(slug, id)),
    create: (slug: string, body: z.input<typeof ZCreateBroadcast>) =>
      send<BroadcastDetail>("POST", broadcasts(slug), { body }),
    /** A draft's changes (a scheduled broadcast must be unscheduled first). */
    update: (slug: string, id: string, body: z.input<typeof ZUpdateBroadcast>) =>
      send<BroadcastDetail>("PATCH", broadcast(slug, id), { body }),
    archive: (slug: string, id: string) => send<BroadcastDetail>("POST", `${broadcast(slug, id)}/archive`),
    /** A new draft with the same settings. */
    duplicate: (slug: string, id: string) => send<BroadcastDetail>("POST", `${broadcast(slug, id)}/duplicate`),
    /** The audience of the saved draft with `body`'s changes laid over it ({} for the draft as saved). */
    estimate: (
      slug: string,
      id: string,
      body: z.input<typeof ZEstimateBroadcast> = {},
      options: Pick<RequestOptions, "signal"> = {},
    ) => send<AudienceEstimate>("POST", `${broadcast(slug, id)}/estimate`, { body, ...options }),
    /** The audience of a broadcast not yet saved: `channel` and `segmentIds` are needed. */
    estimateUnsaved: (
      slug: string,
      body: z.input<typeof ZEstimateBroadcast>,
      options: Pick<RequestOptions, "signal"> = {},
    ) => send<AudienceEstimate>("POST", `${broadcasts(slug)}/estimate`, { body, ...options }),
    preview: (slug: string, id: string, body: z.input<typeof ZPreviewBroadcast> = {}) =>
      send<BroadcastPreview>("POST", `${broadcast(slug, id)}/preview`, { body }),
    testSend: (slug: string, id: string, body: z.input<typeof ZTestSendBroadcast>) =>
      send<BroadcastTestSend>("POST", `${broadcast(slug, id)}/test-send`, { body }),
    /** Send now or schedule; 409 `audience_changed` when `confirmedAudience` is more than 5 % off. */
    send: (slug: string, id: string, body: z.input<typeof ZSendBroadcast>) =>
      send<BroadcastSendResult>("POST", `${broadcast(slug, id)}/send`, { body }),
    /** A scheduled broadcast back to a draft. */
    unschedule: (slug: string, id: string) => send<BroadcastDetail>("POST", `${broadcast(slug, id)}/unschedule`),
    pause: (slug: string, id: string) => send<BroadcastControlResult>("POST", `${broadcast(slug, id)}/pause`),
    resume: (slug: string, id: string) => send<BroadcastControlResult>("POST", `${broadcast(slug, id)}/resume`),
    cancel: (slug: string, id: string) => send<BroadcastControlResult>("POST", `${broadcast(slug, id)}/cancel`),
    /** The workspace's zone and the role that may send (Settings → General). */
    settings: (slug: string) => send<BroadcastSettings>("GET", path`/workspaces/${slug}/broadcast-settings`),
    saveSettings: (slug: string, body: z.input<typeof ZBroadcastSettings>) =>
      send<BroadcastSettings>("PATCH", path`/workspaces/${slug}/broadcast-settings`, { body }),
  };
}
