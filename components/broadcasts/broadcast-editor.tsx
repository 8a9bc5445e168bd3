"use client";

import { ArrowLeft, Copy, Save } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { AudienceEstimate, BroadcastDetail } from "@/lib/broadcasts/broadcast-views";
import type { EstimateBroadcast } from "@/lib/broadcasts/schemas";
import { api } from "../api/client";
import { useUnsavedChangesGuard } from "../templates/unsaved-changes";
import { Button } from "../ui/button";
import { Badge } from "../ui/card";
import { FormAlert, TextField } from "../ui/field";
import { BroadcastPreviewPanel } from "./broadcast-preview";
import { ContentSection, GoalSection, Section } from "./editor-sections";
import {
  bodyFromForm,
  CHANNEL_LABELS,
  errorsUnder,
  formFromDraft,
  scheduleBody,
  type DraftForm,
  type ScheduleChoice,
} from "./model";
import type { TemplateOption } from "./new-broadcast-form";
import { ReviewPanel, type SendPolicy } from "./review-panel";
import { ScheduleSection } from "./schedule-section";
import { SegmentPicker, type SegmentOption } from "./segment-picker";
import { TopicField } from "../topics/topic-field";
import { WebhookSection } from "./webhook-section";

/**
 * A draft broadcast: the editor on the left (content, audience, goal and pace, schedule), the review on the right
 * (the audience estimate, a preview on real people, a test send, and Send). An explicit Save, with a guard
 * against leaving unsaved changes; the API's field errors show beside their fields. Viewers see it read-only.
 */
export function BroadcastEditor({
  slug,
  broadcast: initial,
  templates,
  segments,
  eventNames,
  canEdit,
  policy,
  timezone: workspaceZone,
}: {
  slug: string;
  broadcast: BroadcastDetail;
  templates: TemplateOption[];
  segments: SegmentOption[];
  eventNames: string[];
  canEdit: boolean;
  policy: SendPolicy;
  /** the workspace's zone when the page knows it; otherwise the estimate's */
  timezone: string | null;
}) {
  const router = useRouter();
  const [broadcast, setBroadcast] = useState(initial);
  const [form, setFormState] = useState<DraftForm>(() => formFromDraft(initial));
  const [saved, setSaved] = useState(() => JSON.stringify(formFromDraft(initial)));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [savedNote, setSavedNote] = useState(false);
  const [schedule, setSchedule] = useState<ScheduleChoice>({ kind: "now" });
  const [scheduleErrors, setScheduleErrors] = useState<Record<string, string>>({});
  const [estimate, setEstimate] = useState<AudienceEstimate | null>(null);
  const readOnly = !canEdit;
  const dirty = canEdit && JSON.stringify(form) !== saved;
  useUnsavedChangesGuard(dirty, "This broadcast has unsaved changes. Leave without saving them?");
  const timezone = workspaceZone ?? estimate?.timezone ?? "UTC";

  const setForm = (change: (f: DraftForm) => DraftForm) => {
    setSavedNote(false);
    setFormState(change);
  };

  async function save(): Promise<BroadcastDetail | null> {
    const { body, errors: local } = bodyFromForm(form);
    setFormError(null);
    if (!body) {
      setErrors(local);
      return null;
    }
    setSaving(true);
    const result = await api.broadcasts.update(slug, broadcast.id, body);
    setSaving(false);
    if (!result.ok) {
      setErrors(result.error.fields);
      setFormError(result.error.hasFields ? null : result.error.message);
      return null;
    }
    setErrors({});
    setBroadcast(result.data);
    const next = formFromDraft(result.data);
    setFormState(next);
    setSaved(JSON.stringify(next));
    setSavedNote(true);
    return result.data;
  }

  async function duplicate() {
    const result = await api.broadcasts.duplicate(slug, broadcast.id);
    if (result.ok) router.push(`/w/${slug}/broadcasts/${result.data.id}`);
    else setFormError(result.error.message);
  }

  async function archive() {
    if (!confirm(`Archive “${broadcast.name}”? It leaves the list; its results stay readable.`)) return;
    const result = await api.broadcasts.archive(slug, broadcast.id);
    if (result.ok) router.push(`/w/${slug}/broadcasts`);
    else setFormError(result.error.message);
  }

  // What the estimate counts: the editor's audience as it stands, saved or not.
  const holdout = Number(form.holdoutPercent);
  const local = schedule.kind === "local" ? scheduleBody(schedule, timezone).body : null;
  const overlay: EstimateBroadcast = {
    segmentIds: form.segmentIds,
    excludedSegmentIds: form.excludedSegmentIds,
    ...(Number.isInteger(holdout) && holdout >= 0 && holdout <= 50 ? { holdoutPercent: holdout } : {}),
    ...(local ? { schedule: local } : {}),
    ...(form.topicId !== undefined ? { topicId: form.topicId || null } : {}),
  };

  return (
    <div>
      <Link
        href={`/w/${slug}/broadcasts`}
        className="inline-flex items-center gap-1 text-sm text-stone-600 hover:text-stone-900"
      >
        <ArrowLeft className="h-4 w-4" aria-hidden="true" /> Broadcasts
      </Link>
      <header className="mt-2 flex flex-wrap items-end justify-between gap-4 border-b border-stone-200 pb-5">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight text-stone-900">{broadcast.name}</h1>
          <p className="mt-1 flex items-center gap-2 text-sm text-stone-600">
            <Badge>Draft</Badge> {CHANNEL_LABELS[broadcast.channel]} · created by {broadcast.createdBy}
          </p>
        </div>
        {canEdit ? (
          <div className="flex items-center gap-2">
            <span className="text-sm text-stone-500" role="status">
              {dirty ? "Unsaved changes" : savedNote ? "Saved" : ""}
            </span>
            <Button variant="ghost" onClick={() => void archive()}>
              Archive
            </Button>
            <Button variant="secondary" onClick={() => void duplicate()}>
              <Copy className="h-4 w-4" aria-hidden="true" /> Duplicate
            </Button>
            <Button onClick={() => void save()} disabled={saving || !dirty}>
              <Save className="h-4 w-4" aria-hidden="true" /> {saving ? "Saving…" : "Save"}
            </Button>
          </div>
        ) : null}
      </header>

      <div className="mt-6 grid gap-6 lg:grid-cols-[minmax(0,1fr)_24rem]">
        <div className="space-y-6">
          <FormAlert message={formError} />
          <Section title="Details">
            <TextField
              label="Name"
              value={form.name}
              onChange={(e) => setForm((f) => ({ ...f, name: e.target.value }))}
              error={errors.name}
              readOnly={readOnly}
              maxLength={120}
            />
          </Section>
          {form.webhook ? (
            <WebhookSection
              value={form.webhook}
              onChange={(change) => setForm((f) => (f.webhook ? { ...f, webhook: change(f.webhook) } : f))}
              errors={errors}
              readOnly={readOnly}
            />
          ) : null}
          <ContentSection
            slug={slug}
            channel={broadcast.channel}
            form={form}
            setForm={setForm}
            templates={templates}
            errors={errors}
            readOnly={readOnly}
          />
          <Section
            title="Audience"
            description="People in any of the chosen segments, minus anyone in an excluded one."
          >
            <SegmentPicker
              slug={slug}
              label="Send to"
              hint="Anyone in at least one of these segments."
              value={form.segmentIds}
              taken={form.excludedSegmentIds}
              segments={segments}
              errors={errorsUnder(errors, "segmentIds")}
              readOnly={readOnly}
              onChange={(segmentIds) => setForm((f) => ({ ...f, segmentIds }))}
            />
            <SegmentPicker
              slug={slug}
              label="Leave out"
              hint="Nobody in these segments gets it, even if they are in one above."
              value={form.excludedSegmentIds}
              taken={form.segmentIds}
              segments={segments}
              errors={errorsUnder(errors, "excludedSegmentIds")}
              readOnly={readOnly}
              onChange={(excludedSegmentIds) => setForm((f) => ({ ...f, excludedSegmentIds }))}
            />
            {/* a webhook is not a person's channel: no one's topic choice applies to it */}
            {broadcast.channel === "webhook" ? null : (
              <TopicField
                slug={slug}
                value={form.topicId ?? ""}
                error={errors.topicId}
                readOnly={readOnly}
                onChange={(topicId) => setForm((f) => ({ ...f, topicId }))}
              />
            )}
          </Section>
          <GoalSection
            form={form}
            setForm={setForm}
            eventNames={eventNames}
            audience={estimate?.willBeSent ?? null}
            errors={errors}
            readOnly={readOnly}
          />
          <ScheduleSection
            schedule={schedule}
            onChange={(next) => {
              setScheduleErrors({});
              setSchedule(next);
            }}
            timezone={timezone}
            errors={scheduleErrors}
            readOnly={readOnly}
          />
        </div>
        <aside className="space-y-4" aria-label="Review and preview">
          <ReviewPanel
            slug={slug}
            broadcast={broadcast}
            overlay={overlay}
            schedule={schedule}
            timezone={timezone}
            dirty={dirty}
            canEdit={canEdit}
            policy={policy}
            onEstimate={setEstimate}
            onSave={save}
            onScheduleErrors={setScheduleErrors}
            onFieldErrors={setErrors}
            onSent={() => router.refresh()}
          />
          <div>
            <h2 className="mb-2 text-base font-semibold text-stone-900">Preview</h2>
            {dirty ? (
              <p className="mb-2 text-xs text-amber-800">
                The preview shows the saved draft: save to see your changes.
              </p>
            ) : null}
            <BroadcastPreviewPanel
              slug={slug}
              broadcastId={broadcast.id}
              channel={broadcast.channel}
              variantKeys={broadcast.variants.map((v) => v.key)}
              version={broadcast.updatedAt}
              canEdit={canEdit}
            />
          </div>
        </aside>
      </div>
    </div>
  );
}
