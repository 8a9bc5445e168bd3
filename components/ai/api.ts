import type { z } from "zod";
import type { draftCopy, rewriteField, ZDraftRequest, ZRewriteRequest } from "@/lib/ai/drafts";
import type { deleteProvider, saveProvider, ZAiProvider } from "@/lib/ai/provider";
import type { getAiSettings, getAiStatus, testAiConnection, updateAiSettings, ZAiSettings } from "@/lib/ai/settings";
import type { translateContent, ZTranslateRequest } from "@/lib/ai/translate";
import type { createVariants, ZVariantsRequest } from "@/lib/ai/variants";
import type { approveTemplate, getApprovalState, ZApproveTemplate } from "@/lib/approvals/approve-template";
import { path, sender } from "../api/request";
import type { Answer } from "../api/types";

/** AI drafts, Settings → AI and template approval: /api/workspaces/[slug]/ai/… and …/templates/[id]/approval. */
export function aiClient(origin = "") {
  const send = sender(origin);
  const ai = (slug: string) => path`/workspaces/${slug}/ai`;
  return {
    status: (slug: string) => send<Answer<typeof getAiStatus>>("GET", ai(slug)),
    settings: (slug: string) => send<Answer<typeof getAiSettings>>("GET", `${ai(slug)}/settings`),
    updateSettings: (slug: string, body: z.input<typeof ZAiSettings>) =>
      send<Answer<typeof updateAiSettings>>("PATCH", `${ai(slug)}/settings`, { body }),
    saveProvider: (slug: string, body: z.input<typeof ZAiProvider>) =>
      send<Answer<typeof saveProvider>>("PUT", `${ai(slug)}/provider`, { body }),
    deleteProvider: (slug: string) => send<Answer<typeof deleteProvider>>("DELETE", `${ai(slug)}/provider`),
    testProvider: (slug: string) => send<Answer<typeof testAiConnection>>("POST", `${ai(slug)}/provider/test`),
    drafts: (slug: string, body: z.input<typeof ZDraftRequest>) =>
      send<Answer<typeof draftCopy>>("POST", `${ai(slug)}/drafts`, { body }),
    rewrite: (slug: string, body: z.input<typeof ZRewriteRequest>) =>
      send<Answer<typeof rewriteField>>("POST", `${ai(slug)}/rewrite`, { body }),
    variants: (slug: string, body: z.input<typeof ZVariantsRequest>) =>
      send<Answer<typeof createVariants>>("POST", `${ai(slug)}/variants`, { body }),
    translate: (slug: string, body: z.input<typeof ZTranslateRequest>) =>
      send<Answer<typeof translateContent>>("POST", `${ai(slug)}/translate`, { body }),
    approval: (slug: string, id: string) =>
      send<Answer<typeof getApprovalState>>("GET", path`/workspaces/${slug}/templates/${id}/approval`),
    approve: (slug: string, id: string, body: z.input<typeof ZApproveTemplate> = {}) =>
      send<Answer<typeof approveTemplate>>("POST", path`/workspaces/${slug}/templates/${id}/approval`, { body }),
  };
}

export const aiApi = aiClient();
