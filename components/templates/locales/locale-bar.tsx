"use client";

import { Download, Upload } from "lucide-react";
import { useRef, useState } from "react";
import type { TranslationStatus } from "@/lib/content/locales/translations";
import { Badge } from "../../ui/card";
import { FormAlert } from "../../ui/field";
import { languageName } from "../../settings/languages/language-settings-form";
import type { TemplateTranslations } from "./use-translations";

const STATUS: Record<TranslationStatus, { label: string; tone: "stone" | "brand" | "amber" | "red" }> = {
  missing: { label: "missing", tone: "red" },
  outdated: { label: "outdated", tone: "amber" },
  up_to_date: { label: "up to date", tone: "brand" },
};

/**
 * The language tabs above the template's fields: the default language (the template's own fields) and each of
 * the workspace's other languages, with whether its translation is missing, outdated (the default text changed
 * since) or up to date; export and import of the chosen language for a translation service.
 */
export function LocaleBar({
  slug,
  templateId,
  content,
  t,
  canEdit,
  dirty,
}: {
  slug: string;
  templateId: string;
  content: unknown;
  t: TemplateTranslations;
  canEdit: boolean;
  dirty: boolean;
}) {
  const file = useRef<HTMLInputElement>(null);
  const [importError, setImportError] = useState<string | null>(null);
  if (!t.translatable || !t.languages) return null;
  if (!t.locales.length)
    return (
      <p className="text-xs text-stone-500">
        Written in {languageName(t.languages.defaultLocale)}. Add other languages in{" "}
        <a className="underline" href={`/w/${slug}/settings/languages`}>
          Settings → Languages
        </a>{" "}
        to translate it.
      </p>
    );
  const base = `/api/workspaces/${encodeURIComponent(slug)}/templates/${encodeURIComponent(templateId)}/translations`;

  async function importFile(f: File) {
    setImportError(null);
    if (
      dirty &&
      !window.confirm("Importing saves a new version from the saved template; unsaved changes are lost. Go on?")
    )
      return;
    const response = await fetch(`${base}?locale=${encodeURIComponent(t.locale ?? "")}`, {
      method: "PUT",
      headers: { "Content-Type": f.name.endsWith(".json") ? "application/json" : "application/xliff+xml" },
      body: await f.text(),
    });
    if (response.ok) {
      window.location.reload();
      return;
    }
    const body = (await response.json().catch(() => null)) as {
      error?: { message?: string; fields?: { path: string; message: string }[] };
    } | null;
    const fields = body?.error?.fields ?? [];
    setImportError(
      fields.length
        ? `Not imported: ${fields.map((x) => `${x.path.replace(/^units\./, "")}: ${x.message}`).join("; ")}`
        : `Not imported: ${body?.error?.message ?? response.statusText}`,
    );
  }

  return (
    <div className="space-y-2">
      <div role="tablist" aria-label="Language" className="flex flex-wrap items-center gap-1 border-b border-stone-200">
        <Tab selected={t.locale === null} onClick={() => t.setLocale(null)}>
          {languageName(t.languages.defaultLocale)} <span className="text-xs text-stone-500">default</span>
        </Tab>
        {t.locales.map((l) => {
          const status = STATUS[t.status(content, l)];
          return (
            <Tab key={l} selected={t.locale === l} onClick={() => t.setLocale(l)}>
              {languageName(l)} <Badge tone={status.tone}>{status.label}</Badge>
            </Tab>
          );
        })}
      </div>
      {t.locale ? (
        <div className="flex flex-wrap items-center gap-3 text-sm">
          <a
            className="inline-flex items-center gap-1 text-brand-700 hover:underline"
            href={`${base}?locale=${t.locale}&format=xliff`}
          >
            <Download className="h-3.5 w-3.5" aria-hidden="true" /> Export XLIFF
          </a>
          <a
            className="inline-flex items-center gap-1 text-brand-700 hover:underline"
            href={`${base}?locale=${t.locale}&format=json`}
          >
            <Download className="h-3.5 w-3.5" aria-hidden="true" /> Export JSON
          </a>
          {canEdit ? (
            <>
              <button
                type="button"
                className="inline-flex items-center gap-1 text-brand-700 hover:underline"
                onClick={() => file.current?.click()}
              >
                <Upload className="h-3.5 w-3.5" aria-hidden="true" /> Import translated file
              </button>
              <input
                ref={file}
                type="file"
                accept=".xlf,.xliff,.xml,.json"
                className="hidden"
                aria-label="Translated file"
                onChange={(e) => {
                  const f = e.target.files?.[0];
                  e.target.value = "";
                  if (f) void importFile(f);
                }}
              />
            </>
          ) : null}
        </div>
      ) : null}
      <FormAlert message={importError} />
    </div>
  );
}

function Tab({ selected, onClick, children }: { selected: boolean; onClick: () => void; children: React.ReactNode }) {
  return (
    <button
      type="button"
      role="tab"
      aria-selected={selected}
      onClick={onClick}
      className={`-mb-px inline-flex items-center gap-1.5 border-b-2 px-2.5 py-2 text-sm font-medium ${
        selected ? "border-brand-600 text-brand-800" : "border-transparent text-stone-500 hover:text-stone-800"
      }`}
    >
      {children}
    </button>
  );
}
