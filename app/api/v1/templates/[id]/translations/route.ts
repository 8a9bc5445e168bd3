import { MAX_IMPORT_BYTES, exportTranslations, importTranslations } from "@/lib/content/locales/translation-exchange";
import { translationsApi } from "@/lib/content/locales/translation-operations";
import { readText, withWorkspace } from "@/lib/http/handler";

/** A template's text for a translation service (GET, XLIFF or JSON) and the translated file back (PUT). */
export const GET = withWorkspace(translationsApi.export, async (ctx, { params, query }) => {
  const file = await exportTranslations(ctx, params.id, query);
  return new Response(file.body, {
    headers: {
      "Content-Type": file.contentType,
      "Content-Disposition": `attachment; filename="${file.filename}"`,
      "Cache-Control": "no-store",
    },
  });
});
export const PUT = withWorkspace(translationsApi.import, async (ctx, { request, params, query }) =>
  importTranslations(ctx, params.id, await readText(request, MAX_IMPORT_BYTES, "2 MB"), query),
);
