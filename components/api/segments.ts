import type { z } from "zod";
import type { archiveSegment } from "@/lib/segments/archive-segment";
import type { createSegment } from "@/lib/segments/create-segment";
import type { estimateSegment } from "@/lib/segments/estimate-segment";
import type { getSegment } from "@/lib/segments/get-segment";
import type { listProfileSegments } from "@/lib/segments/list-profile-segments";
import type { listSegments } from "@/lib/segments/list-segments";
import type { requestRecompute } from "@/lib/segments/request-recompute";
import type { updateSegment } from "@/lib/segments/update-segment";
import type { uploadMembers } from "@/lib/segments/upload-members";
import type { ZCreateSegment, ZEstimateSegment, ZUpdateSegment, ZUploadMode } from "@/lib/segments/segment-schemas";
import { path, type RequestOptions, type Send } from "./request";
import type { Answer } from "./types";

/** Segments: /api/workspaces/[slug]/segments/… */
export function segmentsApi(send: Send) {
  const segments = (slug: string) => path`/workspaces/${slug}/segments`;
  const segment = (slug: string, id: string) => path`/workspaces/${slug}/segments/${id}`;
  return {
    list: (slug: string, query: { q?: string; archived?: boolean } = {}) =>
      send<{ segments: Answer<typeof listSegments> }>("GET", segments(slug), { query }),
    /** The segments one person is in. */
    listForProfile: (slug: string, profileId: string) =>
      send<{ memberships: Answer<typeof listProfileSegments> }>("GET", segments(slug), { query: { profileId } }),
    get: (slug: string, id: string, query: { days?: number } = {}) =>
      send<Answer<typeof getSegment>>("GET", segment(slug, id), { query }),
    create: (slug: string, body: z.input<typeof ZCreateSegment>) =>
      send<Answer<typeof createSegment>>("POST", segments(slug), { body }),
    update: (slug: string, id: string, body: z.input<typeof ZUpdateSegment>) =>
      send<Answer<typeof updateSegment>>("PUT", segment(slug, id), { body }),
    archive: (slug: string, id: string) => send<Answer<typeof archiveSegment>>("POST", `${segment(slug, id)}/archive`),
    /** Starts a recompute for everyone in the background; the answer's `recompute` shows its progress. */
    recompute: (slug: string, id: string) =>
      send<Answer<typeof requestRecompute>>("POST", `${segment(slug, id)}/recompute`),
    /** The size of an unsaved definition and a sample of who matches (the builder's live preview). */
    estimate: (slug: string, body: z.input<typeof ZEstimateSegment>, options: Pick<RequestOptions, "signal"> = {}) =>
      send<Answer<typeof estimateSegment>>("POST", `${segments(slug)}/estimate`, { body, ...options }),
    /** A manual segment's members from a CSV of user ids, replacing the members or adding to them. */
    uploadMembers: (slug: string, id: string, body: { mode: z.input<typeof ZUploadMode>; csv: string }) =>
      send<Answer<typeof uploadMembers>>("POST", `${segment(slug, id)}/members`, { body }),
  };
}
