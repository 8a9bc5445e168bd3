"use client";

import { useEffect, useState } from "react";
import {
  sourceHash,
  type TranslationStatus,
  type Translations,
  translatableFields,
  translationsOf,
  translationStatus,
} from "@/lib/content/locales/translations";
import type { TemplateKind } from "@/lib/messaging/liquid";
import { path, sender } from "../../api/request";

const send = sender("");

/**
 * The template editor's translations (#20, lib/content/locales): the workspace's languages, which one is being
 * edited (null: the default, the template's own fields), and the translations that go into the same version save.
 * Editing a locale's field stamps it with the hash of the default fields as they are, so it shows "up to date"
 * until the default text changes again.
 */
export function useTranslations(slug: string, channel: TemplateKind, initialContent: unknown) {
  const [translations, setTranslations] = useState<Translations>(() => translationsOf(initialContent));
  const [saved, setSaved] = useState(() => JSON.stringify(translationsOf(initialContent)));
  const [locale, setLocale] = useState<string | null>(null);
  const [languages, setLanguages] = useState<{ defaultLocale: string; contentLocales: string[] } | null>(null);
  const translatable = translatableFields(channel).length > 0;

  useEffect(() => {
    if (!translatable) return;
    let cancelled = false;
    void send<{ defaultLocale: string; contentLocales: string[] }>(
      "GET",
      path`/workspaces/${slug}/language-settings`,
    ).then((result) => {
      if (!cancelled && result.ok) setLanguages(result.data);
    });
    return () => {
      cancelled = true;
    };
  }, [slug, translatable]);

  // the workspace's languages, and any the template has that the workspace dropped since
  const locales = languages
    ? [...new Set([...languages.contentLocales, ...Object.keys(translations)])].filter(
        (l) => l !== languages.defaultLocale,
      )
    : [];

  return {
    translatable,
    languages,
    locales,
    locale,
    setLocale,
    translations,
    dirty: JSON.stringify(translations) !== saved,
    markSaved: () => setSaved(JSON.stringify(translations)),
    status: (content: unknown, l: string): TranslationStatus =>
      translationStatus(channel, { ...(content as object), translations }, l),
    /** sets one field of `l`'s translation, stamped as made from the current default fields */
    setField: (content: unknown, l: string, field: string, value: string) =>
      setTranslations((all) => ({
        ...all,
        [l]: {
          fields: { ...all[l]?.fields, [field]: value },
          sourceHash: sourceHash(channel, content),
          updatedAt: new Date().toISOString(),
        },
      })),
    /** marks `l`'s translation as checked against the current default fields */
    markUpToDate: (content: unknown, l: string) =>
      setTranslations((all) =>
        all[l]
          ? {
              ...all,
              [l]: { ...all[l], sourceHash: sourceHash(channel, content), updatedAt: new Date().toISOString() },
            }
          : all,
      ),
    /** the content to preview and save: the default fields plus the translations that have any text */
    withTranslations: <C extends Record<string, unknown>>(content: C): C => {
      const kept = Object.fromEntries(
        Object.entries(translations).filter(([, t]) => Object.values(t.fields).some((v) => v.trim())),
      );
      return Object.keys(kept).length ? { ...content, translations: kept } : content;
    },
  };
}

export type TemplateTranslations = ReturnType<typeof useTranslations>;
