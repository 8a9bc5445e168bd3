import { keyOperation } from "../../api/operation";
import { ZExportQuery, ZImportQuery } from "./translation-schemas";

const TAG = "Templates";

/** Export and import of a template's translations (listed in API_OPERATIONS, lib/api/operations.ts). */
export const translationsApi = {
  export: keyOperation({
    method: "GET",
    path: "/templates/{id}/translations",
    tag: TAG,
    permission: "workspace:read",
    auth: "either",
    query: ZExportQuery,
    summary: "Export a template's text for translation (XLIFF 2.0 or 1.2, or JSON)",
    description:
      "`?locale=de&format=xliff|json&version=2.0|1.2`: one unit per translatable field (email subject, preheader, HTML and text; SMS body; push title and body; in-app title, body and button label), the default-locale text as the source and the current translation as the target. Liquid and HTML are plain text in the units: keep them as they are.",
  }),
  import: keyOperation({
    method: "PUT",
    path: "/templates/{id}/translations",
    tag: TAG,
    permission: "content:write",
    auth: "either",
    query: ZImportQuery,
    requestBody: {
      contentType: "application/xliff+xml",
      description:
        'The translated XLIFF file (1.2 or 2.0) as exported, or JSON `{ "targetLocale": "de", "units": { "subject": { "target": "…" } } }`. At most 2 MB.',
    },
    summary: "Import a translated file as the template's next version",
    description:
      "Everything is checked first: the file's template and locales (the target must be one of the workspace's languages), every unit id, and each target's Liquid (it must parse and keep the source's {{ }} and {% %} tags; typographic quotes inside a tag are refused). Any problem is a 422 naming the unit, and nothing is stored. Empty targets are left untranslated.",
  }),
};
