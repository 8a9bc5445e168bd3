"use client";

import { Copy, Sparkles, Wand2 } from "lucide-react";
import Link from "next/link";
import { useEffect, useState } from "react";
import type { Draft, DraftField } from "@/lib/ai/drafts";
import type { CreatedVariant } from "@/lib/ai/variants";
import { Button } from "../ui/button";
import { FormAlert, TextField } from "../ui/field";
import { aiApi } from "./api";
import { HighlightedDraft } from "./highlighted-draft";

type Status = Awaited<ReturnType<typeof aiApi.status>>;

const FIELD_LABELS: Record<string, string> = {
  subject: "Subject",
  preheader: "Preheader",
  body: "Body",
  title: "Title",
  "cta.label": "Button label",
  html: "HTML body",
  text: "Plain text",
};
const REWRITABLE: Record<string, string[]> = {
  email: ["subject", "preheader"],
  sms: ["body"],
  push: ["title", "body"],
  in_app: ["title", "body", "cta.label"],
};

/**
 * The editor's AI panel (#20): drafts from a brief, "variants for an A/B split", and rewrites of a field. Every
 * draft arrives checked (banned phrases highlighted, Liquid repaired or refused); "Use" puts the text in the form
 * and marks the save as AI-drafted, so the version waits for approval. Without a provider it says how to connect
 * one, and offers nothing else.
 */
export function AiPanel({
  slug,
  templateId,
  channel,
  fields,
  profileId,
  htmlEditable,
  onUse,
  locales = [],
  content,
  onTranslated,
}: {
  slug: string;
  templateId: string;
  channel: string;
  fields: Record<string, string>;
  /** the preview person: sent only when an admin allowed personal data in prompts */
  profileId: string | null;
  /** an email's body draft can replace the HTML field (not when the visual editor holds the body) */
  htmlEditable: boolean;
  onUse: (path: string, text: string) => void;
  /** the workspace's other languages (Settings → Languages): "Translate" fills their translations */
  locales?: string[];
  /** the editor's content as it stands, translated from */
  content?: Record<string, unknown>;
  onTranslated?: (locale: string, fields: Record<string, string>) => void;
}) {
  const [status, setStatus] = useState<Status | null>(null);
  const [open, setOpen] = useState(false);
  const [brief, setBrief] = useState({ goal: "", audience: "", tone: "", offer: "" });
  const [count, setCount] = useState(3);
  const [drafts, setDrafts] = useState<Draft[]>([]);
  const [variants, setVariants] = useState<CreatedVariant[]>([]);
  const [rewrite, setRewrite] = useState<DraftField | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [briefErrors, setBriefErrors] = useState<Record<string, string>>({});
  const [translated, setTranslated] = useState<Record<string, DraftField[]> | null>(null);

  useEffect(() => {
    let cancelled = false;
    void aiApi.status(slug).then((result) => {
      if (!cancelled) setStatus(result);
    });
    return () => {
      cancelled = true;
    };
  }, [slug]);

  if (!(channel in REWRITABLE)) return null;
  if (!status) return null;
  if (!status.ok) return null;
  const { connected, usage, model } = status.data;

  if (!connected)
    return (
      <section
        aria-label="AI drafts"
        className="rounded-md bg-stone-50 px-4 py-3 text-sm text-stone-700 ring-1 ring-stone-200 ring-inset"
        data-testid="ai-not-connected"
      >
        <p className="flex items-center gap-1.5 font-medium text-stone-800">
          <Sparkles className="h-4 w-4" aria-hidden="true" /> AI drafts
        </p>
        <p className="mt-1">
          Drafting with AI needs a provider: an admin connects an OpenAI-compatible one (OpenAI, Azure OpenAI, Ollama,
          vLLM) in{" "}
          <Link href={`/w/${slug}/settings/ai`} className="font-medium text-brand-700 underline">
            Settings → AI
          </Link>
          .
        </p>
      </section>
    );

  const briefBody = {
    goal: brief.goal,
    ...(brief.audience.trim() ? { audience: brief.audience } : {}),
    ...(brief.tone.trim() ? { tone: brief.tone } : {}),
    ...(brief.offer.trim() ? { offer: brief.offer } : {}),
  };

  function failed(message: string, fieldErrors: Record<string, string> = {}) {
    setError(message);
    setBriefErrors(
      Object.fromEntries(
        Object.entries(fieldErrors)
          .filter(([p]) => p.startsWith("brief."))
          .map(([p, m]) => [p.slice(6), m]),
      ),
    );
  }

  async function draft() {
    setBusy("draft");
    setError(null);
    setVariants([]);
    const result = await aiApi.drafts(slug, { templateId, brief: briefBody, count, previewProfileId: profileId });
    setBusy(null);
    if (!result.ok) return failed(result.error.message, result.error.fields);
    setBriefErrors({});
    setDrafts(result.data.drafts);
  }

  async function makeVariants() {
    setBusy("variants");
    setError(null);
    const result = await aiApi.variants(slug, { templateId, brief: briefBody, count: Math.min(count, 3) });
    setBusy(null);
    if (!result.ok) return failed(result.error.message, result.error.fields);
    setBriefErrors({});
    setVariants(result.data.variants);
  }

  async function rewriteField(field: string, style: "shorter" | "friendlier" | "more_formal") {
    const text = fields[field] ?? "";
    if (!text.trim()) return setError(`${FIELD_LABELS[field] ?? field} is empty: there is nothing to rewrite.`);
    setBusy(`rewrite-${field}-${style}`);
    setError(null);
    const result = await aiApi.rewrite(slug, { templateId, field, text, style });
    setBusy(null);
    if (!result.ok) return setError(result.error.message);
    setRewrite(result.data.field);
  }

  async function translate() {
    if (!content || !onTranslated) return;
    setBusy("translate");
    setError(null);
    const result = await aiApi.translate(slug, { templateId, content, locales });
    setBusy(null);
    if (!result.ok) return setError(result.error.message);
    for (const [locale, translation] of Object.entries(result.data.translations))
      onTranslated(locale, translation.fields);
    setTranslated(result.data.checks);
  }

  const formPath = (field: string) => (channel === "email" && field === "body" ? "html" : field);
  const usable = (f: DraftField) =>
    f.liquid !== "invalid" && !(channel === "email" && f.field === "body" && !htmlEditable);

  return (
    <section aria-label="AI drafts" className="rounded-md ring-1 ring-violet-200 ring-inset" data-testid="ai-panel">
      <button
        type="button"
        onClick={() => setOpen((o) => !o)}
        className="flex w-full items-center justify-between gap-2 px-4 py-2.5 text-left text-sm font-medium text-violet-900"
        aria-expanded={open}
      >
        <span className="flex items-center gap-1.5">
          <Sparkles className="h-4 w-4" aria-hidden="true" /> AI drafts
        </span>
        <span className="text-xs font-normal text-stone-500" data-testid="ai-usage">
          {model} · {usage.totalTokens.toLocaleString("en")} of {usage.limit.toLocaleString("en")} tokens this month
        </span>
      </button>
      {open ? (
        <div className="space-y-4 border-t border-violet-100 px-4 py-4">
          <p className="text-xs text-stone-600">
            Drafts are checked against the brand&apos;s banned phrases and Liquid before they are shown. Saving AI text
            makes the version wait for approval before anything sends it.
          </p>
          <div className="grid gap-3 sm:grid-cols-2">
            <TextField
              label="Goal"
              value={brief.goal}
              error={briefErrors.goal}
              placeholder="Bring back people who viewed running shoes"
              onChange={(e) => setBrief((b) => ({ ...b, goal: e.target.value }))}
            />
            <TextField
              label="Audience"
              value={brief.audience}
              error={briefErrors.audience}
              placeholder="Runners who bought in the last year"
              onChange={(e) => setBrief((b) => ({ ...b, audience: e.target.value }))}
            />
            <TextField
              label="Tone"
              value={brief.tone}
              error={briefErrors.tone}
              placeholder="Friendly, brief"
              onChange={(e) => setBrief((b) => ({ ...b, tone: e.target.value }))}
            />
            <TextField
              label="Offer"
              value={brief.offer}
              error={briefErrors.offer}
              placeholder="Free returns for 60 days"
              onChange={(e) => setBrief((b) => ({ ...b, offer: e.target.value }))}
            />
          </div>
          <div className="flex flex-wrap items-center gap-2">
            <label className="flex items-center gap-1.5 text-sm text-stone-700">
              How many
              <select
                value={count}
                onChange={(e) => setCount(Number(e.target.value))}
                className="rounded-md border-0 py-1 pr-7 pl-2 text-sm ring-1 ring-stone-300 ring-inset"
              >
                {[1, 2, 3].map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </select>
            </label>
            <Button onClick={() => void draft()} disabled={busy !== null}>
              <Sparkles className="h-4 w-4" aria-hidden="true" />
              {busy === "draft" ? "Drafting…" : "Draft"}
            </Button>
            <Button variant="secondary" onClick={() => void makeVariants()} disabled={busy !== null}>
              {busy === "variants"
                ? "Creating variants…"
                : `Variants for an A/B split (${Math.min(count, 3)} new template${Math.min(count, 3) === 1 ? "" : "s"})`}
            </Button>
          </div>
          <FormAlert message={error} />

          {variants.length ? (
            <div className="rounded-md bg-violet-50 px-3 py-2.5 text-sm" data-testid="ai-variants" role="status">
              <p className="font-medium text-violet-900">
                Created {variants.length} variant{variants.length === 1 ? "" : "s"}, each awaiting approval; use them in
                a journey&apos;s split or a broadcast&apos;s variants once approved:
              </p>
              <ul className="mt-1 list-disc pl-5">
                {variants.map((v) => (
                  <li key={v.templateId}>
                    <Link href={`/w/${slug}/templates/${v.templateId}`} className="text-brand-700 underline">
                      {v.name}
                    </Link>
                    {v.skipped.length
                      ? ` (kept the original ${v.skipped.join(", ")}: the draft's Liquid did not parse)`
                      : ""}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}

          {drafts.length ? (
            <ol className="space-y-3" data-testid="ai-drafts">
              {drafts.map((d, i) => (
                <li key={d.id} className="space-y-2 rounded-md bg-white px-3 py-2.5 ring-1 ring-stone-200">
                  <div className="flex items-center justify-between">
                    <p className="text-xs font-medium text-stone-500">Draft {i + 1}</p>
                    <Button
                      variant="ghost"
                      onClick={() => {
                        for (const f of d.fields) if (usable(f)) onUse(formPath(f.field), f.text);
                      }}
                    >
                      Use all
                    </Button>
                  </div>
                  {d.fields.map((f) => (
                    <DraftFieldRow
                      key={f.field}
                      field={f}
                      usable={usable(f)}
                      onUse={() => onUse(formPath(f.field), f.text)}
                    />
                  ))}
                </li>
              ))}
            </ol>
          ) : null}

          {locales.length && onTranslated ? (
            <div className="space-y-2">
              <Button variant="secondary" onClick={() => void translate()} disabled={busy !== null}>
                {busy === "translate" ? "Translating…" : `Translate into ${locales.join(", ")}`}
              </Button>
              {translated ? (
                <ul className="space-y-1 text-xs" data-testid="ai-translations" role="status">
                  {Object.entries(translated).map(([locale, checks]) => {
                    const banned = checks.flatMap((c) => c.banned);
                    const invalid = checks.filter((c) => c.liquid === "invalid");
                    return (
                      <li key={locale} className={banned.length || invalid.length ? "text-red-700" : "text-stone-600"}>
                        {locale}: {checks.length - invalid.length} field
                        {checks.length - invalid.length === 1 ? "" : "s"} filled in (see the language bar)
                        {invalid.length
                          ? `; left out ${invalid.map((c) => c.field).join(", ")}: its Liquid did not parse`
                          : ""}
                        {banned.length ? `; banned: ${banned.map((h) => `"${h.match}" in ${h.field}`).join(", ")}` : ""}
                      </li>
                    );
                  })}
                </ul>
              ) : null}
            </div>
          ) : null}

          <div className="space-y-2">
            <p className="flex items-center gap-1.5 text-sm font-medium text-stone-800">
              <Wand2 className="h-4 w-4" aria-hidden="true" /> Rewrite a field
            </p>
            {REWRITABLE[channel].map((field) => (
              <div key={field} className="flex flex-wrap items-center gap-1.5 text-sm">
                <span className="w-28 text-stone-600">{FIELD_LABELS[field]}</span>
                {(
                  [
                    ["shorter", "Shorter"],
                    ["friendlier", "Friendlier"],
                    ["more_formal", "More formal"],
                  ] as const
                ).map(([style, label]) => (
                  <Button
                    key={style}
                    variant="secondary"
                    className="!px-2 !py-1 text-xs"
                    disabled={busy !== null}
                    onClick={() => void rewriteField(field, style)}
                  >
                    {busy === `rewrite-${field}-${style}` ? "…" : label}
                  </Button>
                ))}
              </div>
            ))}
            {rewrite ? (
              <div className="rounded-md bg-white px-3 py-2.5 ring-1 ring-stone-200" data-testid="ai-rewrite">
                <DraftFieldRow
                  field={rewrite}
                  usable={rewrite.liquid !== "invalid"}
                  onUse={() => {
                    onUse(rewrite.field, rewrite.text);
                    setRewrite(null);
                  }}
                />
              </div>
            ) : null}
          </div>
        </div>
      ) : null}
    </section>
  );
}

function DraftFieldRow({ field, usable, onUse }: { field: DraftField; usable: boolean; onUse: () => void }) {
  return (
    <div className="space-y-1" data-testid={`draft-field-${field.field}`}>
      <div className="flex items-start justify-between gap-2">
        <p className="text-xs font-medium text-stone-600">{FIELD_LABELS[field.field] ?? field.field}</p>
        <div className="flex gap-1">
          <Button
            variant="ghost"
            className="!px-2 !py-0.5 text-xs"
            aria-label={`Copy the drafted ${FIELD_LABELS[field.field] ?? field.field}`}
            onClick={() => void navigator.clipboard?.writeText(field.text)}
          >
            <Copy className="h-3 w-3" aria-hidden="true" />
          </Button>
          <Button variant="secondary" className="!px-2 !py-0.5 text-xs" disabled={!usable} onClick={onUse}>
            Use
          </Button>
        </div>
      </div>
      <HighlightedDraft text={field.text} hits={field.banned} />
      {field.banned.length ? (
        <p className="text-xs text-red-700" role="alert">
          Banned: {field.banned.map((h) => `"${h.match}"${h.reason ? ` (${h.reason})` : ""}`).join(", ")}: publishing
          refuses it until it is reworded.
        </p>
      ) : null}
      {field.note ? (
        <p className={`text-xs ${field.liquid === "invalid" ? "text-red-700" : "text-amber-800"}`}>{field.note}</p>
      ) : null}
    </div>
  );
}
