"use client";

import { History, PanelRightClose, PanelRightOpen, Settings2 } from "lucide-react";
import type { ReactNode } from "react";
import type { TJourneySettings } from "@/lib/journeys/graph";
import type { JourneyDetail } from "@/lib/journeys/journey-views";
import type { JourneyProblem } from "@/lib/journeys/validate";
import { Badge } from "../../ui/card";
import { formatDateTime } from "../../ui/format";
import type { JourneyFlowNode } from "../journey-nodes";
import { NodeInspector } from "../node-inspector";
import { SettingsInspector } from "../settings-inspector";

export type InspectorTab = "inspect" | "history";

/**
 * The right-hand panel: the selected step's form, the journey settings when nothing is selected, or the version
 * history; collapsed to a thin strip to give the canvas the room.
 */
export function InspectorPanel({
  open,
  onToggle,
  tab,
  setTab,
  inspected,
  selectedCount,
  inspectedProblems,
  settings,
  settingsProblems,
  versions,
  liveVersion,
  readOnly,
  updateNode,
  deleteNode,
  updateSettings,
}: {
  open: boolean;
  onToggle: () => void;
  tab: InspectorTab;
  setTab: (tab: InspectorTab) => void;
  inspected: {
    id: string;
    type: JourneyFlowNode["data"]["type"];
    label?: string;
    config: Record<string, unknown>;
  } | null;
  selectedCount: number;
  inspectedProblems: JourneyProblem[];
  settings: TJourneySettings;
  settingsProblems: JourneyProblem[];
  versions: JourneyDetail["versions"];
  liveVersion: number | null;
  readOnly: boolean;
  updateNode: (id: string, patch: { label?: string; config?: Record<string, unknown> }) => void;
  deleteNode: (id: string) => void;
  updateSettings: (settings: TJourneySettings) => void;
}) {
  return !open ? (
    <aside
      className="flex w-10 shrink-0 flex-col items-center border-l border-stone-200 bg-white py-2"
      aria-label="Inspector"
      data-testid="inspector-collapsed"
    >
      <button
        type="button"
        onClick={onToggle}
        aria-expanded={false}
        aria-label="Show inspector"
        title="Show the step and journey settings"
        className="rounded-md p-1.5 text-stone-500 hover:bg-stone-100 hover:text-stone-900"
      >
        <PanelRightOpen className="h-4 w-4" aria-hidden="true" />
      </button>
    </aside>
  ) : (
    <aside
      id="journey-inspector"
      className="flex w-80 shrink-0 flex-col border-l border-stone-200 bg-white"
      aria-label="Inspector"
    >
      <div className="flex border-b border-stone-200 px-2">
        <div className="flex" role="tablist">
          <TabButton
            active={tab === "inspect"}
            onClick={() => setTab("inspect")}
            icon={<Settings2 className="h-4 w-4" aria-hidden="true" />}
          >
            {inspected ? "Step" : "Settings"}
          </TabButton>
          <TabButton
            active={tab === "history"}
            onClick={() => setTab("history")}
            icon={<History className="h-4 w-4" aria-hidden="true" />}
          >
            History
          </TabButton>
        </div>
        <button
          type="button"
          onClick={onToggle}
          aria-expanded
          aria-controls="journey-inspector"
          aria-label="Hide inspector"
          title="Hide the inspector to give the canvas the room"
          className="ml-auto self-center rounded-md p-1.5 text-stone-500 hover:bg-stone-100 hover:text-stone-900"
        >
          <PanelRightClose className="h-4 w-4" aria-hidden="true" />
        </button>
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto p-4">
        {tab === "history" ? (
          <VersionHistory versions={versions} liveVersion={liveVersion} />
        ) : inspected ? (
          <NodeInspector
            node={inspected}
            problems={inspectedProblems}
            readOnly={readOnly}
            onChange={updateNode}
            onDelete={deleteNode}
          />
        ) : selectedCount > 1 ? (
          <div className="space-y-2 text-sm text-stone-600">
            <p className="font-semibold text-stone-900">{selectedCount} steps selected</p>
            {readOnly ? null : <p>Press Delete to remove them, or Ctrl/⌘+C and Ctrl/⌘+V to copy them.</p>}
          </div>
        ) : (
          <SettingsInspector
            settings={settings}
            problems={settingsProblems}
            readOnly={readOnly}
            onChange={updateSettings}
          />
        )}
      </div>
      {readOnly ? null : (
        <p className="border-t border-stone-100 px-4 py-2.5 text-[11px] leading-relaxed text-stone-500">
          Shift-drag to select several · Delete removes · Ctrl/⌘+C, V copy · Ctrl/⌘+Z undo
        </p>
      )}
    </aside>
  );
}

function TabButton({
  active,
  onClick,
  icon,
  children,
}: {
  active: boolean;
  onClick: () => void;
  icon: ReactNode;
  children: ReactNode;
}) {
  return (
    <button
      type="button"
      role="tab"
      aria-selected={active}
      onClick={onClick}
      className={`-mb-px flex items-center gap-1.5 border-b-2 px-3 py-2.5 text-sm font-medium ${active ? "border-brand-600 text-brand-800" : "border-transparent text-stone-500 hover:text-stone-800"}`}
    >
      {icon}
      {children}
    </button>
  );
}

function VersionHistory({
  versions,
  liveVersion,
}: {
  versions: JourneyDetail["versions"];
  liveVersion: number | null;
}) {
  if (!versions.length)
    return <p className="text-sm text-stone-500">Not published yet. Each publish keeps an immutable version here.</p>;
  return (
    <ol className="space-y-3" data-testid="versions">
      {versions.map((v) => (
        <li key={v.version} className="rounded-lg px-3 py-2.5 ring-1 ring-stone-200">
          <div className="flex items-center gap-2">
            <span className="text-sm font-semibold text-stone-900">v{v.version}</span>
            {v.version === liveVersion ? <Badge tone="brand">Live</Badge> : null}
          </div>
          <p className="mt-0.5 text-xs text-stone-500">
            Published by {v.publishedBy} · {formatDateTime(v.publishedAt)}
          </p>
        </li>
      ))}
    </ol>
  );
}
