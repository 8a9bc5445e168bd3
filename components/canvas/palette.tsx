"use client";

import { PanelLeftClose, PanelLeftOpen } from "lucide-react";
import { memo, type DragEvent } from "react";
import { NODE_TYPES, type NodeType } from "@/lib/journeys/graph";
import { FAMILY_STYLE, NODE_MODULES, PALETTE_GROUPS } from "./nodes";

export const PALETTE_MIME = "application/x-cairn-node";

const onDragStart = (type: NodeType) => (e: DragEvent) => {
  e.dataTransfer.setData(PALETTE_MIME, type);
  e.dataTransfer.effectAllowed = "copy";
};

/**
 * The steps a journey is made of: click one to add it below the selected step (connected to its first free
 * exit), or drag it onto the canvas. Collapses to a thin strip to give the canvas the room on small screens.
 */
export const Palette = memo(function Palette({
  onAdd,
  open,
  onToggle,
}: {
  onAdd: (type: NodeType) => void;
  open: boolean;
  onToggle: () => void;
}) {
  if (!open) {
    return (
      <div
        className="flex w-10 shrink-0 flex-col items-center border-r border-stone-200 bg-white py-2"
        data-testid="palette-collapsed"
      >
        <button
          type="button"
          onClick={onToggle}
          aria-expanded={false}
          aria-label="Show steps"
          title="Show the steps palette"
          className="rounded-md p-1.5 text-stone-500 hover:bg-stone-100 hover:text-stone-900"
        >
          <PanelLeftOpen className="h-4 w-4" aria-hidden="true" />
        </button>
      </div>
    );
  }
  return (
    <nav
      id="journey-palette"
      aria-label="Steps"
      className="w-56 shrink-0 overflow-y-auto border-r border-stone-200 bg-white px-3 py-3"
      data-testid="palette"
    >
      <div className="flex items-start gap-1">
        <p className="flex-1 px-1 text-xs text-stone-500">
          Click to add below the selected step, or drag onto the canvas.
        </p>
        <button
          type="button"
          onClick={onToggle}
          aria-expanded
          aria-controls="journey-palette"
          aria-label="Hide steps"
          title="Hide the steps palette"
          className="-mt-0.5 rounded-md p-1 text-stone-500 hover:bg-stone-100 hover:text-stone-900"
        >
          <PanelLeftClose className="h-4 w-4" aria-hidden="true" />
        </button>
      </div>
      {PALETTE_GROUPS.map((group) => (
        <div key={group} className="mt-4">
          <h2 className="px-1 text-[11px] font-semibold tracking-wide text-stone-500 uppercase">{group}</h2>
          <ul className="mt-1.5 space-y-0.5">
            {NODE_TYPES.filter((t) => NODE_MODULES[t].group === group).map((type) => {
              const meta = NODE_MODULES[type];
              const Icon = meta.icon;
              return (
                <li key={type}>
                  <button
                    type="button"
                    draggable
                    onDragStart={onDragStart(type)}
                    onClick={() => onAdd(type)}
                    className="flex w-full cursor-grab items-center gap-2.5 rounded-md px-1.5 py-1.5 text-left hover:bg-stone-100 active:cursor-grabbing"
                    title={meta.hint}
                  >
                    <span
                      className={`flex h-7 w-7 shrink-0 items-center justify-center rounded-md ${FAMILY_STYLE[meta.family].icon}`}
                    >
                      <Icon className="h-3.5 w-3.5" aria-hidden="true" />
                    </span>
                    <span className="min-w-0">
                      <span className="block text-sm font-medium text-stone-800">{meta.title}</span>
                      <span className="block truncate text-[11px] text-stone-500">{meta.hint}</span>
                    </span>
                  </button>
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </nav>
  );
});
