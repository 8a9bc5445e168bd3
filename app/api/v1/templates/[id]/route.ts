import { templatesApi } from "@/lib/api/operations";
import { withWorkspace } from "@/lib/http/handler";
import { getTemplate } from "@/lib/messaging/templates/read-templates";
import { renameTemplate } from "@/lib/messaging/templates/rename-template";
import { saveTemplate } from "@/lib/messaging/templates/save-template";

/** A template with its newest content and its versions; PUT { content } saves the next version; PATCH { name }. */
export const GET = withWorkspace(templatesApi.get, (ctx, { params }) => getTemplate(ctx, params.id));
export const PUT = withWorkspace(templatesApi.save, (ctx, { params, body }) => saveTemplate(ctx, params.id, body));
export const PATCH = withWorkspace(templatesApi.rename, (ctx, { params, body }) =>
  renameTemplate(ctx, params.id, body),
);
