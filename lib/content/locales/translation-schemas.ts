import { z } from "zod";
import { normalizeLocale } from "./locale-chain";

/** The query strings of GET/PUT /api/v1/templates/{id}/translations (no server code: the API reference reads them). */
export const ZLocale = z
  .string()
  .trim()
  .max(64, "At most 64 characters")
  .transform((v, ctx) => {
    const locale = normalizeLocale(v);
    if (!locale) {
      ctx.addIssue({ code: "custom", message: "is not a language tag, e.g. de or pt-BR" });
      return z.NEVER;
    }
    return locale;
  });

export const ZExportQuery = z
  .object({
    format: z.enum(["xliff", "json"], { error: "must be xliff or json" }).default("xliff"),
    version: z.enum(["1.2", "2.0"], { error: "must be 1.2 or 2.0" }).default("2.0"),
    locale: ZLocale,
  })
  .strict();
export const ZImportQuery = z.object({ locale: ZLocale.optional() }).strict();
