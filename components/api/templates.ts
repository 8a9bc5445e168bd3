import type { z } from "zod";
import type { listCatalogNames } from "@/lib/events/events";
import type { previewTemplateUpdate, templateUsage, updateJourneyToTemplate } from "@/lib/messaging/template-usage";
import type { archiveTemplate, restoreTemplate } from "@/lib/messaging/templates/archive-template";
import type { createTemplate } from "@/lib/messaging/templates/create-template";
import type { previewTemplate } from "@/lib/messaging/templates/preview-template";
import type { listTemplates } from "@/lib/messaging/templates/read-templates";
import type { renameTemplate } from "@/lib/messaging/templates/rename-template";
import type { saveTemplate } from "@/lib/messaging/templates/save-template";
import type {
  ZCreateTemplate,
  ZPreviewTemplate,
  ZRenameTemplate,
  ZSaveTemplate,
} from "@/lib/messaging/templates/schemas";
import type { sendTestMessage, ZTestSend } from "@/lib/messaging/test-send";
import type { listProfileEvents, searchProfiles } from "@/lib/profiles/profiles";
import { path, type Send } from "./request";
import type { Answer } from "./types";

/** One of a person's stored events, as the template preview offers them (the route picks these fields). */
type PreviewStoredEvent = Pick<
  Answer<typeof listProfileEvents>["events"][number],
  "id" | "name" | "type" | "timestamp" | "properties"
>;

/** Templates, their preview and test sends: /api/workspaces/[slug]/templates/… */
export function templatesApi(send: Send) {
  const templates = (slug: string) => path`/workspaces/${slug}/templates`;
  const template = (slug: string, id: string) => path`/workspaces/${slug}/templates/${id}`;
  return {
    list: (slug: string, query: { channel?: string; q?: string; archived?: boolean } = {}) =>
      send<{ templates: Answer<typeof listTemplates> }>("GET", templates(slug), { query }),
    create: (slug: string, body: z.input<typeof ZCreateTemplate>) =>
      send<Answer<typeof createTemplate>>("POST", templates(slug), { body }),
    /** Saves `content` as the next version. */
    save: (slug: string, id: string, body: z.input<typeof ZSaveTemplate>) =>
      send<Answer<typeof saveTemplate>>("PUT", template(slug, id), { body }),
    rename: (slug: string, id: string, body: z.input<typeof ZRenameTemplate>) =>
      send<Answer<typeof renameTemplate>>("PATCH", template(slug, id), { body }),
    archive: (slug: string, id: string) =>
      send<Answer<typeof archiveTemplate>>("POST", `${template(slug, id)}/archive`),
    restore: (slug: string, id: string) =>
      send<Answer<typeof restoreTemplate>>("POST", `${template(slug, id)}/restore`),
    /** The journeys that send it, and which live ones send an older version. */
    usage: (slug: string, id: string) => send<Answer<typeof templateUsage>>("GET", `${template(slug, id)}/usage`),
    /** The diff of publishing that live journey again with the template's newest version. */
    previewJourneyUpdate: (slug: string, id: string, journeyId: string) =>
      send<Answer<typeof previewTemplateUpdate>>("GET", `${template(slug, id)}/update-journey`, {
        query: { journeyId },
      }),
    updateJourney: (slug: string, id: string, journeyId: string) =>
      send<Answer<typeof updateJourneyToTemplate>>("POST", `${template(slug, id)}/update-journey`, {
        body: { journeyId },
      }),
    /** Renders unsaved content without storing anything. */
    preview: (slug: string, body: z.input<typeof ZPreviewTemplate>) =>
      send<Answer<typeof previewTemplate>>("POST", `${templates(slug)}/preview`, { body }),
    /** People to preview for: `q` searches ids, emails and trait values. */
    previewProfiles: (slug: string, q: string) =>
      send<{ profiles: Answer<typeof searchProfiles> }>("GET", `${templates(slug)}/preview`, { query: { q } }),
    /** A person's newest events to preview with (by id, userId or anonymousId). */
    previewEvents: (slug: string, profileId: string) =>
      send<{ events: PreviewStoredEvent[] }>("GET", `${templates(slug)}/preview/events`, { query: { profileId } }),
    /** The event catalog's names (the preview then uses a name's newest event). */
    previewCatalog: (slug: string) =>
      send<{ catalog: Answer<typeof listCatalogNames>[number]["name"][] }>("GET", `${templates(slug)}/preview/events`),
    testSend: (slug: string, body: z.input<typeof ZTestSend>) =>
      send<Answer<typeof sendTestMessage>>("POST", `${templates(slug)}/test-send`, { body }),
  };
}
