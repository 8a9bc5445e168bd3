"use client";

import { memo, type DragEvent } from "react";
import { NODE_TYPES, type NodeType } from "@/lib/journeys/graph";
import { FAMILY_STYLE, NODE_META, PALETTE_GROUPS } from "./node-meta";

export const PALETTE_MIME = "application/x-cairn-node";

const onDragStart = (type: NodeType) => (e: DragEvent) => {
  e.dataTransfer.setData(PALETTE_MIME, type);
  e.dataTransfer.effectAllowed = "copy";
};

/** The steps a journey is made of: click one to add it below the selected step, or drag it onto the canvas. */
export const Palette = memo(function Palette({ onAdd }: { onAdd: (type: NodeType) => void }) {
  return (
    <nav aria-label="Steps" className="w-56 shrink-0 overflow-y-auto border-r border-stone-200 bg-white px-3 py-3" data-testid="palette">
      <p className="px-1 text-xs text-stone-500">Click to add below the selected step, or drag onto the canvas.</p>
      {PALETTE_GROUPS.map((group) => (
        <div key={group} className="mt-4">
          <h2 className="px-1 text-[11px] font-semibold tracking-wide text-stone-500 uppercase">{group}</h2>
          <ul className="mt-1.5 space-y-0.5">
            {NODE_TYPES.filter((t) => NODE_META[t].group === group).map((type) => {
              const meta = NODE_META[type];
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
                    <span className={`flex h-7 w-7 shrink-0 items-center justify-center rounded-md ${FAMILY_STYLE[meta.family].icon}`}>
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
