import { ZLanguageSettings } from "@/lib/content/locales/language-schemas";
import { getLanguageSettings, saveLanguageSettings } from "@/lib/content/locales/language-settings";
import { readBody, workspaceRoute } from "@/lib/http/handler";

/** The workspace's default language and its other languages (Settings → Languages). */
export const GET = workspaceRoute("workspace:read", (ctx) => getLanguageSettings(ctx));
export const PATCH = workspaceRoute("settings:manage", async (ctx, request) =>
  saveLanguageSettings(ctx, await readBody(request, ZLanguageSettings)),
);
