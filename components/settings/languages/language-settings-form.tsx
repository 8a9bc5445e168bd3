"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { path, sender } from "../../api/request";
import { Button } from "../../ui/button";
import { FormAlert, TextField } from "../../ui/field";
import { useApiForm } from "../../ui/use-api-form";

interface Languages {
  defaultLocale: string;
  contentLocales: string[];
}

const send = sender("");
const saveLanguages = (slug: string, body: Partial<Languages>) =>
  send<Languages>("PATCH", path`/workspaces/${slug}/language-settings`, { body });

/** Common choices for the datalist; any BCP 47 tag is accepted. */
const SUGGESTED = [
  "en",
  "en-GB",
  "de",
  "de-AT",
  "de-CH",
  "fr",
  "fr-CA",
  "es",
  "es-MX",
  "it",
  "nl",
  "pt",
  "pt-BR",
  "pl",
  "sv",
  "da",
  "nb",
  "fi",
  "cs",
  "tr",
  "ja",
  "ko",
  "zh-Hans",
  "zh-Hant",
  "ar",
  "he",
  "hi",
];

/** "de-AT" → "German (Austria)", in English; the tag itself when the runtime does not know it. */
export function languageName(tag: string): string {
  try {
    return new Intl.DisplayNames(["en"], { type: "language" }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

/** Settings → Languages: the default language and the others the workspace writes in (admins and owners edit). */
export function LanguageSettingsForm({
  slug,
  initial,
  canManage,
}: {
  slug: string;
  initial: Languages;
  canManage: boolean;
}) {
  const router = useRouter();
  const { pending, formError, fieldErrors, submit } = useApiForm();
  const [defaultLocale, setDefaultLocale] = useState(initial.defaultLocale);
  const [locales, setLocales] = useState(initial.contentLocales);
  const [adding, setAdding] = useState("");
  const [saved, setSaved] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaved(false);
    const next = adding.trim() ? [...locales, adding.trim()] : locales;
    const result = await submit(saveLanguages(slug, { defaultLocale: defaultLocale.trim(), contentLocales: next }));
    if (result) {
      setDefaultLocale(result.defaultLocale);
      setLocales(result.contentLocales);
      setAdding("");
      setSaved(true);
      router.refresh();
    }
  }

  const listError = Object.entries(fieldErrors).find(([k]) => k.startsWith("contentLocales"))?.[1];
  return (
    <form method="post" onSubmit={onSubmit} className="max-w-xl space-y-5" noValidate aria-label="Languages">
      <FormAlert message={formError} />
      <TextField
        label="Default language"
        name="defaultLocale"
        value={defaultLocale}
        onChange={(e) => setDefaultLocale(e.target.value)}
        list="language-suggestions"
        disabled={!canManage}
        required
        error={fieldErrors.defaultLocale}
        hint={`${languageName(defaultLocale)}. Templates' own fields are in this language, and everyone whose language has no translation gets them. Changing it does not translate anything.`}
      />
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-stone-800">Other languages</legend>
        <p className="text-sm text-stone-500">
          The editor shows a tab for each, marked missing, outdated or up to date per template. A person gets the
          translation of their <code>locale</code> trait (or their event&apos;s <code>context.locale</code>): de-AT
          falls back to de, then to the default.
        </p>
        <ul className="flex flex-wrap gap-2" aria-label="Other languages">
          {locales.length ? null : <li className="text-sm text-stone-500">None yet.</li>}
          {locales.map((locale) => (
            <li key={locale} className="flex items-center gap-1 rounded-full border border-stone-300 px-3 py-1 text-sm">
              <span>
                {languageName(locale)} <span className="text-stone-500">({locale})</span>
              </span>
              {canManage ? (
                <button
                  type="button"
                  aria-label={`Remove ${locale}`}
                  className="ml-1 text-stone-500 hover:text-red-700"
                  onClick={() => setLocales(locales.filter((l) => l !== locale))}
                >
                  ×
                </button>
              ) : null}
            </li>
          ))}
        </ul>
        {canManage ? (
          <TextField
            label="Add a language"
            name="adding"
            value={adding}
            onChange={(e) => setAdding(e.target.value)}
            list="language-suggestions"
            placeholder="e.g. de or pt-BR"
            error={listError}
            hint="A BCP 47 tag; added when you save."
          />
        ) : listError ? (
          <p className="text-sm text-red-700">{listError}</p>
        ) : null}
      </fieldset>
      <datalist id="language-suggestions">
        {SUGGESTED.map((tag) => (
          <option key={tag} value={tag}>
            {languageName(tag)}
          </option>
        ))}
      </datalist>
      {canManage ? (
        <div className="flex items-center gap-3">
          <Button type="submit" disabled={pending}>
            {pending ? "Saving…" : "Save"}
          </Button>
          {saved ? (
            <span role="status" className="text-sm text-brand-700">
              Saved
            </span>
          ) : null}
        </div>
      ) : (
        <p className="text-sm text-stone-500">Admins and owners change the workspace&apos;s languages.</p>
      )}
    </form>
  );
}
