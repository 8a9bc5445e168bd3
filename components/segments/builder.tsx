"use client";

import { ArrowLeft, Eye } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import type { TSegmentDefinition } from "@/lib/segments/definition";
import { api } from "../api/client";
import { Button, buttonClass } from "../ui/button";
import { FormAlert, TextField } from "../ui/field";
import { describeFieldProblem } from "../ui/field-words";
import { ConditionTree, type EventOption, type SegmentOption, type TraitOption } from "./condition-tree";
import { EstimatePanel, type EstimateSample, type EstimateState } from "./estimate-panel";
import { emptyDefinition, setAt, toDraft, unplacedErrors, type Draft, type TreePath } from "./model";

const DEBOUNCE_MS = 400;

/**
 * The segment builder: the definition as a tree of cards, a live estimate of who matches (the estimate API,
 * 400 ms after the last edit, stale answers dropped), the API's validation errors at the condition they
 * name, and Save / Cancel. Viewers see the same tree read-only.
 */
export function SegmentBuilder({
  slug,
  segment,
  initialName = "",
  events,
  traits,
  segments,
  canEdit,
}: {
  slug: string;
  /** null: a new dynamic segment, created on save */
  segment: { id: string; name: string; description: string; definition: TSegmentDefinition | null } | null;
  initialName?: string;
  events: EventOption[];
  traits: TraitOption[];
  segments: SegmentOption[];
  canEdit: boolean;
}) {
  const router = useRouter();
  const [name, setName] = useState(segment?.name ?? initialName);
  const [description, setDescription] = useState(segment?.description ?? "");
  const [root, setRoot] = useState<Draft>(() =>
    segment?.definition ? toDraft(segment.definition) : (emptyDefinition() as Draft),
  );
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [estimate, setEstimate] = useState<EstimateState>({ status: "empty" });
  const [dirty, setDirty] = useState(false);
  const segmentId = segment?.id;
  const others = useMemo(() => segments.filter((s) => s.id !== segment?.id), [segments, segment?.id]);
  const cancelHref = segment ? `/w/${slug}/segments/${segment.id}` : `/w/${slug}/segments`;

  const update = (path: TreePath, next: Draft | undefined) => {
    setRoot((r) => setAt(r, path, next));
    setDirty(true);
  };

  // The live estimate: 400 ms after the last edit; an answer to an older definition is dropped.
  const latest = useRef(0);
  const hasConditions = ((root.conditions as Draft[] | undefined) ?? []).length > 0;
  useEffect(() => {
    if (!canEdit) return;
    const request = ++latest.current;
    const controller = new AbortController();
    const timer = setTimeout(async () => {
      if (!hasConditions) {
        setEstimate({ status: "empty" });
        setErrors({});
        return;
      }
      setEstimate((prev) => ({
        status: "loading",
        size: prev.status === "ok" || prev.status === "loading" ? prev.size : undefined,
        sample: prev.status === "ok" ? prev.sample : undefined,
      }));
      const result = await api.segments.estimate(
        slug,
        segmentId ? { definition: root, segmentId } : { definition: root },
        { signal: controller.signal },
      );
      if (!result.ok && result.error.status === 0) {
        if (!controller.signal.aborted && request === latest.current)
          setEstimate({ status: "error", message: "Cannot reach Cairn to count who matches." });
        return;
      }
      if (request !== latest.current) return;
      if (result.ok) {
        const body = result.data;
        setErrors({});
        setEstimate({
          status: "ok",
          size: Number(body?.size ?? 0),
          sample: (body?.sample ?? []) as EstimateSample[],
          exact: body?.exact !== false,
          total: Number(body?.total ?? 0),
        });
      } else if (result.error.status === 422 || result.error.status === 400) {
        const { fields, code, message } = result.error;
        setErrors(fields);
        setEstimate(
          result.error.hasFields
            ? { status: "invalid" }
            : { status: "error", message: code === "unexpected_response" ? "The definition is not valid." : message },
        );
      } else {
        setEstimate({ status: "error", message: result.error.message });
      }
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [root, slug, canEdit, hasConditions, segmentId]);

  // Leaving with unsaved edits asks first.
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  async function save(e: FormEvent) {
    e.preventDefault();
    setSaving(true);
    setFormError(null);
    const result = segment
      ? await api.segments.update(slug, segment.id, { name, description, definition: root })
      : await api.segments.create(slug, { name, description, kind: "dynamic", definition: root });
    setSaving(false);
    if (!result.ok) {
      setErrors(result.error.fields);
      setFormError(
        unplacedErrors(result.error.fields, root, ["name", "description"]).length || !result.error.hasFields
          ? result.error.message
          : null,
      );
      return;
    }
    setDirty(false);
    const id =
      segment?.id ??
      (result.data as { id?: string; segment?: { id: string } }).id ??
      (result.data as { segment?: { id: string } }).segment?.id;
    router.push(id ? `/w/${slug}/segments/${id}` : `/w/${slug}/segments`);
    router.refresh();
  }

  const stray = unplacedErrors(errors, root, ["name", "description"]);

  return (
    <form method="post" onSubmit={save} noValidate>
      <Link
        href={cancelHref}
        className="mb-3 inline-flex items-center gap-1.5 text-sm font-medium text-stone-500 hover:text-stone-900"
      >
        <ArrowLeft className="h-4 w-4" aria-hidden="true" /> {segment ? segment.name : "Segments"}
      </Link>
      <header className="flex flex-wrap items-end justify-between gap-4 border-b border-stone-200 pb-5">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight text-stone-900">
            {canEdit ? (segment ? `Edit “${segment.name}”` : "New segment") : name}
          </h1>
          <p className="mt-1 max-w-2xl text-sm text-stone-600">
            {canEdit
              ? "Who is in it, as conditions on what people did and who they are. Membership stays current as events arrive and as time passes."
              : description || "Who is in this segment. You can read it; an editor of this workspace can change it."}
          </p>
        </div>
        <div className="flex items-center gap-2">
          {canEdit ? (
            <>
              <Link href={cancelHref} className={buttonClass("secondary")}>
                Cancel
              </Link>
              <Button type="submit" disabled={saving}>
                {saving ? "Saving…" : segment ? "Save segment" : "Create segment"}
              </Button>
            </>
          ) : (
            <span className="inline-flex items-center gap-1.5 rounded-full bg-stone-100 px-3 py-1 text-xs font-medium text-stone-600">
              <Eye className="h-3.5 w-3.5" aria-hidden="true" /> Read only
            </span>
          )}
        </div>
      </header>

      <div className="mt-6 grid gap-6 lg:grid-cols-[minmax(0,1fr)_18rem]">
        <div className="min-w-0 space-y-4">
          <FormAlert message={formError} />
          {stray.length ? (
            <ul className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-red-200" role="alert">
              {stray.map((s) => (
                <li key={s.path}>{describeFieldProblem(s.path, s.message)}</li>
              ))}
            </ul>
          ) : null}
          {canEdit ? (
            <div className="grid gap-4 rounded-xl bg-white p-4 shadow-sm ring-1 ring-stone-200 sm:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
              <TextField
                label="Segment name"
                value={name}
                onChange={(e) => {
                  setName(e.target.value);
                  setDirty(true);
                }}
                error={errors.name}
                maxLength={120}
                placeholder="e.g. Browsed, didn't buy"
              />
              <TextField
                label="Description (optional)"
                value={description}
                onChange={(e) => {
                  setDescription(e.target.value);
                  setDirty(true);
                }}
                error={errors.description}
                maxLength={2000}
                placeholder="What the segment is for, for your team"
              />
            </div>
          ) : null}
          <div className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-stone-200">
            <ConditionTree
              root={root}
              readOnly={!canEdit}
              errors={errors}
              events={events}
              traits={traits}
              segments={others}
              update={update}
            />
          </div>
        </div>
        {canEdit ? (
          <div className="lg:sticky lg:top-6 lg:self-start">
            <EstimatePanel slug={slug} state={estimate} />
          </div>
        ) : null}
      </div>
    </form>
  );
}
