"use client";

import { fieldAt, translatableFields } from "@/lib/content/locales/translations";
import type { TemplateKind } from "@/lib/messaging/liquid";
import { Button } from "../../ui/button";
import { CHANNEL_FIELDS } from "../channels";
import { languageName } from "../../settings/languages/language-settings-form";
import type { TemplateTranslations } from "./use-translations";

const CONTROL =
  "block w-full rounded-md border-0 bg-white px-3 py-2 text-sm text-stone-900 shadow-sm ring-1 ring-inset ring-stone-300 placeholder:text-stone-400 focus:ring-2 focus:ring-inset focus:ring-brand-600 outline-none read-only:bg-stone-50";

/**
 * The chosen language's fields: each translatable field with the default text beside it. An empty field falls
 * back to the default text when sending (an email's plain-text part is then derived from the translated HTML).
 */
export function TranslationFields({
  channel,
  content,
  t,
  readOnly,
  errors,
}: {
  channel: TemplateKind;
  content: Record<string, unknown>;
  t: TemplateTranslations;
  readOnly: boolean;
  errors: Record<string, string>;
}) {
  const locale = t.locale;
  if (!locale) return null;
  const status = t.status(content, locale);
  const labels = Object.fromEntries(CHANNEL_FIELDS[channel].map((f) => [f.path, f]));
  return (
    <div className="space-y-4" data-testid="translation-fields">
      {status === "outdated" && !readOnly ? (
        <div className="flex flex-wrap items-center justify-between gap-2 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200 ring-inset">
          The default text changed since this translation was made. Check it, then
          <Button variant="secondary" onClick={() => t.markUpToDate(content, locale)}>
            Mark up to date
          </Button>
        </div>
      ) : null}
      {translatableFields(channel).map((field) => {
        const source = fieldAt(content, field) ?? "";
        const spec = labels[field];
        const id = `translation-${locale}-${field}`;
        const error = errors[`content.translations.${locale}.${field}`];
        const multiline = spec?.kind === "text" || spec?.kind === "code";
        const value = t.translations[locale]?.fields[field] ?? "";
        return (
          <div key={field} className="space-y-1">
            <label htmlFor={id} className="block text-sm font-medium text-stone-800">
              {spec?.label ?? field} ({languageName(locale)})
            </label>
            {multiline ? (
              <textarea
                id={id}
                rows={spec?.kind === "code" ? 10 : 4}
                className={`${CONTROL} ${spec?.kind === "code" ? "font-mono text-xs" : ""}`}
                value={value}
                placeholder={source}
                readOnly={readOnly}
                onChange={(e) => t.setField(content, locale, field, e.target.value)}
              />
            ) : (
              <input
                id={id}
                className={CONTROL}
                value={value}
                placeholder={source}
                readOnly={readOnly}
                onChange={(e) => t.setField(content, locale, field, e.target.value)}
              />
            )}
            {error ? <p className="text-sm text-red-700">{error}</p> : null}
            {source ? (
              <p className="truncate text-xs text-stone-500" title={source}>
                Default: {source}
              </p>
            ) : null}
          </div>
        );
      })}
    </div>
  );
}
