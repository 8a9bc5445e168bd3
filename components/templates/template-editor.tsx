"use client";

import { AlertTriangle, ArrowLeft, History, Save } from "lucide-react";
import Link from "next/link";
import { useEffect, useId, useState } from "react";
import type { PreviewResult } from "@/lib/messaging/templates/preview-template";
import type { PreviewEventInput } from "@/lib/messaging/templates/schemas";
import type { SavedTemplate, TemplateDetail } from "@/lib/messaging/templates/template-views";
import { api } from "../api/client";
import { useVisualEmail } from "../email-builder/use-visual-email";
import { CodeEmailNote } from "../email-builder/code-email-note";
import { VisualEmailEditor } from "../email-builder/visual-editor";
import { Button } from "../ui/button";
import { Badge } from "../ui/card";
import { FormAlert } from "../ui/field";
import { formatDateTime } from "../ui/format";
import {
  CHANNEL_FIELDS,
  flatten,
  headerRows,
  KIND_LABEL,
  unflatten,
  type FieldSpec,
  type FlatContent,
} from "./channels";
import { EventPicker } from "./event-picker";
import { PreviewPane } from "./preview-pane";
import { ProfilePicker, type PickedProfile } from "./profile-picker";
import { TemplateUsagePanel } from "./template-usage";
import { AiPanel } from "../ai/ai-panel";
import { ApprovalPanel } from "../ai/approval-panel";
import { TestSend } from "./test-send";
import { useUnsavedChangesGuard } from "./unsaved-changes";
import { LocaleBar } from "./locales/locale-bar";
import { TranslationFields } from "./locales/translation-fields";
import { useTranslations } from "./locales/use-translations";

const CONTROL =
  "block w-full rounded-md border-0 bg-white px-3 py-2 text-sm text-stone-900 shadow-sm ring-1 ring-inset placeholder:text-stone-400 focus:ring-2 focus:ring-inset focus:ring-brand-600 outline-none read-only:bg-stone-50 read-only:text-stone-700";

/**
 * The template editor: the channel's fields on the left, a live preview on the right (rendered by the server
 * for a chosen profile or the sample, 300 ms after the last keystroke). Save adds a version; a Liquid syntax
 * error is refused by the server and shown under its field.
 */
export function TemplateEditor({
  slug,
  template: initial,
  layouts,
  canEdit,
}: {
  slug: string;
  template: TemplateDetail;
  layouts: { id: string; name: string }[];
  canEdit: boolean;
}) {
  const channel = initial.channel;
  const [template, setTemplate] = useState(initial);
  const [fields, setFields] = useState<FlatContent>(() => flatten(channel, initial.content));
  const [savedFields, setSavedFields] = useState<FlatContent>(() => flatten(channel, initial.content));
  const [saving, setSaving] = useState(false);
  const [saveErrors, setSaveErrors] = useState<Record<string, string>>({});
  const [saveMessage, setSaveMessage] = useState<{ tone: "ok" | "error"; text: string } | null>(null);
  // what the last save's render for the sample profile found: saved all the same (real profiles may differ)
  const [saveWarnings, setSaveWarnings] = useState<SavedTemplate["warnings"]>([]);
  // #20: AI text entered the form since the last save (the save then waits for approval); saves reload the banner
  const [aiDrafted, setAiDrafted] = useState(false);
  const [approvalKey, setApprovalKey] = useState(0);
  const [profile, setProfile] = useState<PickedProfile | null>(null);
  const [preview, setPreview] = useState<PreviewResult | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [previewEvent, setPreviewEvent] = useState<PreviewEventInput | null>(null);
  const eventKey = JSON.stringify(previewEvent);

  // a visual email (#20): its document beside the fields, compiled to the html the preview and save send; its
  // HTML field is the block editor
  const visual = useVisualEmail(slug, channel, initial.content, initial.currentVersion === 0);
  // #20 languages: translations travel inside the same content, so a save keeps them (components/templates/locales)
  const translations = useTranslations(slug, channel, initial.content);
  const content = translations.withTranslations(visual.withEditor(unflatten(channel, fields)));
  // the preview renders the chosen language's tab; on the default tab, the picked profile's own language
  const previewLocale = translations.locale;
  const contentKey = JSON.stringify(content);
  const dirty = JSON.stringify(fields) !== JSON.stringify(savedFields) || visual.dirty || translations.dirty;
  const formFields = CHANNEL_FIELDS[channel].filter((field) => !(visual.active && field.path === "html"));

  useEffect(() => {
    let cancelled = false;
    const timer = setTimeout(async () => {
      const result = await api.templates.preview(slug, {
        channel,
        content: JSON.parse(contentKey),
        profileId: profile?.id ?? null,
        event: JSON.parse(eventKey),
        locale: previewLocale,
      });
      if (cancelled) return;
      if (result.ok) {
        setPreview(result.data);
        setPreviewError(null);
      } else setPreviewError(result.error.message);
    }, 300);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [slug, channel, contentKey, profile?.id, eventKey, previewLocale]);

  // closing the tab or following a link with unsaved changes asks first
  useUnsavedChangesGuard(dirty);

  async function save() {
    setSaving(true);
    setSaveMessage(null);
    const result = await api.templates.save(slug, template.id, { content, ...(aiDrafted ? { aiDrafted } : {}) });
    setSaving(false);
    if (result.ok) {
      const { warnings, ...saved } = result.data;
      setTemplate(saved);
      setSavedFields(fields);
      visual.markSaved();
      translations.markSaved();
      setSaveErrors({});
      setSaveWarnings(warnings);
      setAiDrafted(false);
      setApprovalKey((k) => k + 1);
      setSaveMessage({
        tone: "ok",
        text: `v${saved.currentVersion} saved${warnings.length ? `, with ${warnings.length === 1 ? "a warning" : `${warnings.length} warnings`}` : ""}`,
      });
    } else {
      setSaveWarnings([]);
      setSaveErrors(result.error.fields);
      const n = Object.keys(result.error.fields).length;
      setSaveMessage({
        tone: "error",
        text: n
          ? `Not saved: ${n === 1 ? "1 field needs" : `${n} fields need`} fixing.`
          : `Not saved: ${result.error.message}`,
      });
    }
  }

  const liquidErrors = Object.fromEntries((preview?.errors ?? []).map((e) => [e.path, e.message]));
  const errorFor = (field: FieldSpec) => {
    // a webhook's headers are one field in the form, with a problem per header: name the header
    if (field.kind === "headers") {
      const prefix = `content.${field.path}.`;
      const all = { ...liquidErrors, ...saveErrors };
      const found = Object.entries(all).filter(([path]) => path.startsWith(prefix) || path === `content.${field.path}`);
      return found.length
        ? found
            .map(([path, message]) => (path.startsWith(prefix) ? `${path.slice(prefix.length)}: ${message}` : message))
            .join(" ")
        : undefined;
    }
    return saveErrors[`content.${field.path}`] ?? liquidErrors[`content.${field.path}`];
  };
  const formLevel = saveErrors.content;

  return (
    <div className="space-y-6">
      <header className="flex flex-wrap items-end justify-between gap-4 border-b border-stone-200 pb-5">
        <div>
          <Link
            href={`/w/${slug}/templates`}
            className="inline-flex items-center gap-1 text-sm text-stone-500 hover:text-stone-800"
          >
            <ArrowLeft className="h-3.5 w-3.5" aria-hidden="true" /> Templates
          </Link>
          <h1 className="mt-1 flex items-center gap-3 text-2xl font-semibold tracking-tight text-stone-900">
            {template.name}
            <Badge tone="brand">{KIND_LABEL[channel]}</Badge>
            {template.archived ? <Badge tone="amber">archived</Badge> : null}
          </h1>
          <p className="mt-1 text-sm text-stone-600" data-testid="template-version">
            {template.currentVersion
              ? `Current version: v${template.currentVersion}`
              : "Not saved yet: the first save makes v1."}
            {canEdit ? null : " You can read this template; editors can change it."}
          </p>
        </div>
        {canEdit && !template.archived ? (
          <div className="flex items-center gap-3">
            {saveMessage ? (
              <p
                role="status"
                className={`text-sm ${saveMessage.tone === "ok" ? "text-brand-700" : "text-red-700"}`}
                data-testid="save-status"
              >
                {saveMessage.text}
              </p>
            ) : dirty ? (
              <p className="text-sm text-stone-500">Unsaved changes</p>
            ) : null}
            <Button onClick={() => void save()} disabled={saving}>
              <Save className="h-4 w-4" aria-hidden="true" />
              {saving ? "Saving…" : "Save"}
            </Button>
          </div>
        ) : null}
      </header>

      <div className="grid gap-6 lg:grid-cols-2">
        <section aria-label="Content" className="space-y-4">
          <ApprovalPanel slug={slug} templateId={template.id} refreshKey={approvalKey} />
          {canEdit && !template.archived ? (
            <AiPanel
              slug={slug}
              templateId={template.id}
              channel={channel}
              fields={fields}
              profileId={profile?.id ?? null}
              htmlEditable={!visual.active}
              onUse={(path, text) => {
                setFields((f) => ({ ...f, [path]: text }));
                setAiDrafted(true);
                setSaveMessage(null);
              }}
              locales={translations.locales}
              content={content}
              onTranslated={(locale, translatedFields) => {
                for (const [field, value] of Object.entries(translatedFields))
                  translations.setField(content, locale, field, value);
                setAiDrafted(true);
                setSaveMessage(null);
              }}
            />
          ) : null}
          <FormAlert message={formLevel} />
          {saveWarnings.length ? (
            <div
              role="status"
              className="rounded-md bg-amber-50 px-3 py-2.5 text-sm text-amber-900 ring-1 ring-amber-200 ring-inset"
              data-testid="save-warnings"
            >
              <p className="flex items-center gap-1.5 font-medium">
                <AlertTriangle className="h-4 w-4" aria-hidden="true" />
                Saved. Look at these before it goes out:
              </p>
              <ul className="mt-1 list-disc space-y-0.5 pl-6">
                {saveWarnings.map((w) => (
                  <li key={w.path}>
                    <span className="font-medium">{fieldLabel(channel, w.path)}</span> {w.message}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          <LocaleBar
            slug={slug}
            templateId={template.id}
            content={content}
            t={translations}
            canEdit={canEdit && !template.archived}
            dirty={dirty}
          />
          {translations.locale ? (
            <TranslationFields
              channel={channel}
              content={content}
              t={translations}
              readOnly={!canEdit || template.archived}
              errors={saveErrors}
            />
          ) : null}
          {(translations.locale ? [] : formFields).map((field) => (
            <ContentField
              key={field.path}
              field={field}
              value={fields[field.path] ?? ""}
              error={errorFor(field)}
              readOnly={!canEdit || template.archived}
              layouts={layouts}
              onChange={(value) => {
                setFields((f) => ({ ...f, [field.path]: value }));
                setSaveMessage(null);
                setSaveErrors((errors) =>
                  Object.fromEntries(
                    Object.entries(errors).filter(
                      ([path]) => path !== `content.${field.path}` && !path.startsWith(`content.${field.path}.`),
                    ),
                  ),
                );
              }}
            />
          ))}
          {channel === "email" && !visual.active ? <CodeEmailNote /> : null}
          {visual.active && !translations.locale ? (
            <VisualEmailEditor
              slug={slug}
              visual={visual}
              readOnly={!canEdit || template.archived}
              saveErrors={saveErrors}
              onSwitchToCode={(html) => setFields((f) => ({ ...f, html: html || f.html }))}
            />
          ) : null}
          <p className="text-xs text-stone-500">
            Liquid:{" "}
            <code className="rounded bg-stone-100 px-1">{'{{ profile.traits.first_name | default: "there" }}'}</code>,{" "}
            <code className="rounded bg-stone-100 px-1">
              {'{{ event.properties.at | date_in_zone: profile.timezone, "%b %d, %H:%M" }}'}
            </code>
            , <code className="rounded bg-stone-100 px-1">{'{{ event.properties.total | money: "EUR" }}'}</code>.{" "}
            {channel === "webhook" ? (
              <>
                Also <code className="rounded bg-stone-100 px-1">profile.id</code>,{" "}
                <code className="rounded bg-stone-100 px-1">event.id</code>,{" "}
                <code className="rounded bg-stone-100 px-1">event.timestamp</code>,{" "}
                <code className="rounded bg-stone-100 px-1">journey.id</code> and{" "}
                <code className="rounded bg-stone-100 px-1">enrollment.id</code>; objects come out as JSON. Add{" "}
                <code className="rounded bg-stone-100 px-1">| required</code> to a variable a call must not go out
                without.
              </>
            ) : (
              <>
                Also <code className="rounded bg-stone-100 px-1">journey.name</code>,{" "}
                <code className="rounded bg-stone-100 px-1">message.id</code>,{" "}
                <code className="rounded bg-stone-100 px-1">unsubscribe_url</code> and{" "}
                <code className="rounded bg-stone-100 px-1">preferences_url</code>; add{" "}
                <code className="rounded bg-stone-100 px-1">| required</code> to a variable a message must not go out
                without.
              </>
            )}
          </p>
          <VersionHistory versions={template.versions} />
          {channel === "partial" || channel === "layout" ? null : (
            <TemplateUsagePanel
              slug={slug}
              templateId={template.id}
              currentVersion={template.currentVersion}
              canEdit={canEdit}
            />
          )}
        </section>

        <section aria-label="Preview" className="space-y-4">
          <ProfilePicker slug={slug} value={profile} onChange={setProfile} />
          {channel === "partial" || channel === "layout" ? null : (
            <EventPicker slug={slug} profileId={profile?.id ?? null} onChange={setPreviewEvent} />
          )}
          {previewError ? <FormAlert message={`The preview failed: ${previewError}`} /> : null}
          {preview && preview.missingVariables.length ? (
            <div
              role="status"
              className="rounded-md bg-amber-50 px-3 py-2.5 text-sm text-amber-900 ring-1 ring-amber-200 ring-inset"
              data-testid="missing-variables"
            >
              <p className="flex items-center gap-1.5 font-medium">
                <AlertTriangle className="h-4 w-4" aria-hidden="true" />
                {preview.profile.sample ? "The sample profile lacks" : `${preview.profile.label} lacks`}{" "}
                {preview.missingVariables.length === 1 ? "this variable" : "these variables"}; it renders as nothing
                unless a default is given:
              </p>
              <ul className="mt-1 list-disc pl-6 font-mono text-xs">
                {preview.missingVariables.map((v) => (
                  <li key={v}>{v}</li>
                ))}
              </ul>
            </div>
          ) : null}
          <PreviewPane channel={channel} preview={preview} />
          {canEdit ? (
            <TestSend
              slug={slug}
              channel={channel}
              content={content}
              profileId={profile?.id ?? null}
              event={previewEvent}
              locale={previewLocale}
            />
          ) : null}
        </section>
      </div>
    </div>
  );
}

/** "content.cta.url" → "Button URL", the label the field has in the form. */
function fieldLabel(channel: TemplateDetail["channel"], path: string): string {
  const field = path.replace(/^content\./, "");
  return CHANNEL_FIELDS[channel].find((f) => f.path === field)?.label ?? field;
}

function ContentField({
  field,
  value,
  error,
  readOnly,
  layouts,
  onChange,
}: {
  field: FieldSpec;
  value: string;
  error?: string;
  readOnly: boolean;
  layouts: { id: string; name: string }[];
  onChange: (value: string) => void;
}) {
  const id = useId();
  const describedBy = error ? `${id}-error` : field.hint ? `${id}-hint` : undefined;
  const common = {
    id,
    value,
    readOnly,
    "aria-invalid": !!error,
    "aria-describedby": describedBy,
    onChange: (e: { target: { value: string } }) => onChange(e.target.value),
    className: `${CONTROL} ${error ? "ring-red-400" : "ring-stone-300"} ${field.kind === "code" ? "font-mono text-xs" : ""}`,
  };
  return (
    <div className="space-y-1.5">
      <div className="flex items-baseline justify-between">
        <label htmlFor={id} className="block text-sm font-medium text-stone-800">
          {field.label}
          {field.required ? null : <span className="font-normal text-stone-400"> (optional)</span>}
        </label>
        {field.max && field.kind !== "line" ? (
          <span className={`text-xs ${value.length > field.max ? "text-red-700" : "text-stone-400"}`}>
            {value.length.toLocaleString("en-US")} / {field.max.toLocaleString("en-US")}
          </span>
        ) : null}
      </div>
      {field.kind === "layout" ? (
        <select {...common} disabled={readOnly}>
          <option value="">No layout: the HTML body as it is</option>
          {layouts.map((layout) => (
            <option key={layout.id} value={layout.id}>
              {layout.name}
            </option>
          ))}
          {value && !layouts.some((l) => l.id === value) ? (
            <option value={value}>A layout that is archived or gone</option>
          ) : null}
        </select>
      ) : field.kind === "select" ? (
        <select {...common} disabled={readOnly}>
          {(field.options ?? []).map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      ) : field.kind === "headers" ? (
        <HeaderRowsField id={id} value={value} readOnly={readOnly} invalid={!!error} onChange={onChange} />
      ) : field.kind === "line" ? (
        <input type="text" {...common} />
      ) : (
        <textarea rows={field.kind === "code" ? 12 : 4} spellCheck={field.kind !== "code"} {...common} />
      )}
      {error ? (
        <p id={`${id}-error`} role="alert" className="text-sm text-red-700">
          {error}
        </p>
      ) : field.hint ? (
        <p id={`${id}-hint`} className="text-xs text-stone-500">
          {field.hint}
        </p>
      ) : null}
    </div>
  );
}

/** Header name → Liquid value rows; the flat field holds them as JSON (channels.ts headerRows). */
function HeaderRowsField({
  id,
  value,
  readOnly,
  invalid,
  onChange,
}: {
  id: string;
  value: string;
  readOnly: boolean;
  invalid: boolean;
  onChange: (value: string) => void;
}) {
  const rows = headerRows(value);
  const set = (next: [string, string][]) => onChange(JSON.stringify(next));
  const input = `${CONTROL} ${invalid ? "ring-red-400" : "ring-stone-300"} font-mono text-xs`;
  return (
    <div id={id} className="space-y-2" data-testid="header-rows">
      {rows.map(([name, headerValue], i) => (
        <div key={i} className="flex gap-2">
          <input
            aria-label={`Header ${i + 1} name`}
            placeholder="X-Api-Key"
            value={name}
            readOnly={readOnly}
            className={`${input} w-2/5`}
            onChange={(e) => set(rows.map((r, j) => (j === i ? [e.target.value, r[1]] : r)))}
          />
          <input
            aria-label={`Header ${i + 1} value`}
            placeholder="{{ profile.traits.plan }}"
            value={headerValue}
            readOnly={readOnly}
            className={input}
            onChange={(e) => set(rows.map((r, j) => (j === i ? [r[0], e.target.value] : r)))}
          />
          {readOnly ? null : (
            <Button variant="ghost" className="px-2 py-1.5 text-xs" onClick={() => set(rows.filter((_, j) => j !== i))}>
              Remove<span className="sr-only"> header {i + 1}</span>
            </Button>
          )}
        </div>
      ))}
      {readOnly ? null : (
        <Button variant="secondary" className="px-2.5 py-1.5 text-xs" onClick={() => set([...rows, ["", ""]])}>
          Add header
        </Button>
      )}
    </div>
  );
}

function VersionHistory({ versions }: { versions: TemplateDetail["versions"] }) {
  return (
    <div className="rounded-lg bg-white p-4 ring-1 ring-stone-200">
      <h2 className="flex items-center gap-1.5 text-sm font-semibold text-stone-900">
        <History className="h-4 w-4 text-stone-400" aria-hidden="true" /> Versions
      </h2>
      {versions.length ? (
        <ol className="mt-2 divide-y divide-stone-100 text-sm" data-testid="versions">
          {versions.map((v) => (
            <li key={v.version} className="flex justify-between py-1.5">
              <span className="font-medium text-stone-800">v{v.version}</span>
              <span className="text-stone-500">
                {formatDateTime(v.createdAt)} · {v.createdBy}
              </span>
            </li>
          ))}
        </ol>
      ) : (
        <p className="mt-2 text-sm text-stone-500">No versions yet: each save adds one.</p>
      )}
    </div>
  );
}
