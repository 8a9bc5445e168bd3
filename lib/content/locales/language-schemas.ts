import { z } from "zod";
import { normalizeLocale } from "./locale-chain";

/** At most this many other languages per workspace. */
export const MAX_CONTENT_LOCALES = 30;

const ZTag = z
  .string({ error: "must be a language tag" })
  .trim()
  .max(64, "At most 64 characters")
  .transform((v, ctx) => {
    const locale = normalizeLocale(v);
    if (!locale) {
      ctx.addIssue({ code: "custom", message: `"${v.slice(0, 64)}" is not a language tag, e.g. de, pt-BR or zh-Hant` });
      return z.NEVER;
    }
    return locale;
  });

/** PATCH of Settings → Languages: tags are stored canonical (`pt_br` → `pt-BR`). */
export const ZLanguageSettings = z
  .object({
    defaultLocale: ZTag.optional(),
    contentLocales: z
      .array(ZTag, { error: "must be a list of language tags" })
      .max(MAX_CONTENT_LOCALES, `At most ${MAX_CONTENT_LOCALES} languages`)
      .superRefine((list, ctx) => {
        const seen = new Set<string>();
        list.forEach((l, i) => {
          if (seen.has(l)) ctx.addIssue({ code: "custom", path: [i], message: `${l} is listed twice` });
          seen.add(l);
        });
      })
      .optional(),
  })
  .strict();
