import type { z } from "zod";
import type { createCatalog, UploadResult } from "@/lib/catalogs/manage-catalogs";
import type { UploadMode, ZCreateCatalog } from "@/lib/catalogs/schemas";
import { path, sender } from "@/components/api/request";
import type { Answer } from "@/components/api/types";

/** The Catalogs pages' calls: /api/workspaces/[slug]/catalogs/… (the session twin of /api/v1/catalogs). */
const send = sender("");

export const catalogsClient = {
  create: (slug: string, body: z.input<typeof ZCreateCatalog>) =>
    send<Answer<typeof createCatalog>>("POST", path`/workspaces/${slug}/catalogs`, { body }),
  /** the file's text as JSON { csv }: the same checks and limits as a text/csv upload */
  upload: (slug: string, key: string, csv: string, mode: UploadMode, dryRun: boolean) =>
    send<UploadResult>("POST", path`/workspaces/${slug}/catalogs/${key}/upload`, { body: { csv, mode, dryRun } }),
};
