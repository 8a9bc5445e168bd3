"use client";

import { ArrowLeft, BarChart3, LayoutDashboard, Maximize, Pause, Play, Redo2, Rocket, Undo2 } from "lucide-react";
import Link from "next/link";
import type { JourneyStatus } from "@/lib/journeys/schemas";
import { Button, buttonClass } from "../../ui/button";
import { Badge } from "../../ui/card";
import { FormAlert } from "../../ui/field";
import type { SaveState } from "../hooks/use-autosave";
import { SaveIndicator } from "./save-indicator";

const STATUS_TONE: Record<JourneyStatus, "brand" | "amber" | "stone"> = {
  LIVE: "brand",
  PAUSED: "amber",
  DRAFT: "stone",
  ARCHIVED: "stone",
};
const STATUS_LABEL: Record<JourneyStatus, string> = {
  LIVE: "Live",
  PAUSED: "Paused",
  DRAFT: "Draft",
  ARCHIVED: "Archived",
};

/** The editor's top bar: back, the name, status and save state, undo/redo and layout, analytics and the lifecycle. */
export function TopBar({
  slug,
  journeyId,
  name,
  setName,
  rename,
  status,
  liveVersion,
  saveState,
  canEdit,
  readOnly,
  canUndo,
  canRedo,
  undo,
  redo,
  layout,
  fit,
  statusAction,
  problemCount,
  onPublish,
}: {
  slug: string;
  journeyId: string;
  name: string;
  setName: (name: string) => void;
  rename: (name: string) => Promise<void>;
  status: JourneyStatus;
  liveVersion: number | null;
  saveState: SaveState;
  canEdit: boolean;
  readOnly: boolean;
  canUndo: boolean;
  canRedo: boolean;
  undo: () => void;
  redo: () => void;
  layout: () => void;
  fit: () => void;
  statusAction: (action: "pause" | "resume") => Promise<void>;
  problemCount: number;
  onPublish: () => void;
}) {
  return (
    <header className="flex h-14 shrink-0 items-center gap-3 border-b border-stone-200 bg-white px-4">
      <Link
        href={`/w/${slug}/journeys`}
        className="rounded-md p-1.5 text-stone-500 hover:bg-stone-100 hover:text-stone-900"
        aria-label="All journeys"
      >
        <ArrowLeft className="h-4 w-4" aria-hidden="true" />
      </Link>
      {readOnly ? (
        <h1 className="truncate text-base font-semibold text-stone-900">{name}</h1>
      ) : (
        <input
          aria-label="Journey name"
          value={name}
          maxLength={120}
          onChange={(e) => setName(e.target.value)}
          onBlur={(e) => void rename(e.target.value)}
          onKeyDown={(e) => e.key === "Enter" && (e.target as HTMLInputElement).blur()}
          className="min-w-0 max-w-xs flex-shrink truncate rounded-md border-0 bg-transparent px-2 py-1 text-base font-semibold text-stone-900 ring-stone-300 outline-none hover:ring-1 focus:ring-2 focus:ring-brand-600"
        />
      )}
      <span data-testid="journey-status" className="flex items-center gap-1.5">
        <Badge tone={STATUS_TONE[status]}>{STATUS_LABEL[status]}</Badge>
        {liveVersion ? <span className="text-xs font-medium text-stone-600">v{liveVersion}</span> : null}
      </span>
      <SaveIndicator state={saveState} />
      {!canEdit ? <Badge>Read-only: viewers cannot edit journeys</Badge> : null}
      <div className="ml-auto flex items-center gap-1.5">
        {readOnly ? null : (
          <>
            <Button
              variant="ghost"
              className="px-2"
              onClick={undo}
              disabled={!canUndo}
              aria-label="Undo"
              title="Undo (Ctrl/⌘+Z)"
            >
              <Undo2 className="h-4 w-4" aria-hidden="true" />
            </Button>
            <Button
              variant="ghost"
              className="px-2"
              onClick={redo}
              disabled={!canRedo}
              aria-label="Redo"
              title="Redo (Shift+Ctrl/⌘+Z)"
            >
              <Redo2 className="h-4 w-4" aria-hidden="true" />
            </Button>
            <Button variant="ghost" onClick={layout} title="Arrange the steps top to bottom">
              <LayoutDashboard className="h-4 w-4" aria-hidden="true" />
              Auto-layout
            </Button>
          </>
        )}
        <Button variant="ghost" onClick={fit} title="Zoom to fit">
          <Maximize className="h-4 w-4" aria-hidden="true" />
          Fit
        </Button>
        <Link
          href={`/w/${slug}/journeys/${journeyId}/analytics`}
          className={buttonClass("ghost")}
          title="Funnel, conversions and delivery rates over time"
        >
          <BarChart3 className="h-4 w-4" aria-hidden="true" />
          Analytics
        </Link>
        <span className="mx-1 h-6 w-px bg-stone-200" aria-hidden="true" />
        {canEdit && status === "LIVE" ? (
          <Button variant="secondary" onClick={() => void statusAction("pause")}>
            <Pause className="h-4 w-4" aria-hidden="true" />
            Pause
          </Button>
        ) : null}
        {canEdit && status === "PAUSED" ? (
          <Button variant="secondary" onClick={() => void statusAction("resume")}>
            <Play className="h-4 w-4" aria-hidden="true" />
            Resume
          </Button>
        ) : null}
        {!readOnly ? (
          <Button
            onClick={onPublish}
            disabled={problemCount > 0}
            title={
              problemCount
                ? `Fix ${problemCount} problem${problemCount === 1 ? "" : "s"} to publish`
                : "Review the changes and publish"
            }
          >
            <Rocket className="h-4 w-4" aria-hidden="true" />
            Publish
          </Button>
        ) : null}
      </div>
    </header>
  );
}

/** What the last action said (an error, a notice to dismiss), that the journey is archived, or that saving failed. */
export function EditorAlerts({
  actionError,
  notice,
  onDismissNotice,
  archived,
  saveError,
}: {
  actionError: string | null;
  notice: string | null;
  onDismissNotice: () => void;
  archived: boolean;
  saveError: string | null;
}) {
  return (
    <>
      {actionError || notice || archived ? (
        <div className="space-y-2 border-b border-stone-200 bg-white px-4 py-2">
          <FormAlert message={actionError} />
          {archived ? (
            <p className="text-sm text-stone-700">
              This journey is archived. Restore it from the journeys list to edit or publish it.
            </p>
          ) : null}
          {notice ? (
            <p role="status" className="flex items-center justify-between gap-3 text-sm text-brand-900">
              {notice}
              <button type="button" className="text-xs text-stone-500 hover:text-stone-900" onClick={onDismissNotice}>
                Dismiss
              </button>
            </p>
          ) : null}
        </div>
      ) : null}
      {saveError ? (
        <div className="border-b border-red-200 bg-red-50 px-4 py-2 text-sm text-red-800" role="alert">
          The draft could not be saved: {saveError}
        </div>
      ) : null}
    </>
  );
}
