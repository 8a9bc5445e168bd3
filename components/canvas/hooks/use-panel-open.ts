"use client";

import { useCallback, useSyncExternalStore } from "react";

/** localStorage keys of the canvas's side panels: "closed" when the author collapsed it, open otherwise. */
export const PALETTE_PANEL_KEY = "cairn.canvas.palette";
export const INSPECTOR_PANEL_KEY = "cairn.canvas.inspector";
const CHANGED = "cairn:canvas-panel";

function subscribe(onChange: () => void): () => void {
  // "storage" fires in the other tabs; our own toggles announce themselves with CHANGED.
  window.addEventListener("storage", onChange);
  window.addEventListener(CHANGED, onChange);
  return () => {
    window.removeEventListener("storage", onChange);
    window.removeEventListener(CHANGED, onChange);
  };
}

function readOpen(key: string): boolean {
  try {
    return window.localStorage.getItem(key) !== "closed";
  } catch {
    return true; // storage refused (private mode, a policy): the panel stays open, the toggle still works for this view
  }
}

/**
 * Whether a collapsible panel is open, remembered in localStorage so that the canvas keeps the room the
 * author gave it on the next visit. Open on the server and on first visit.
 */
export function usePanelOpen(key: string): [boolean, () => void] {
  const open = useSyncExternalStore(
    subscribe,
    () => readOpen(key),
    () => true,
  );
  const toggle = useCallback(() => {
    try {
      window.localStorage.setItem(key, readOpen(key) ? "closed" : "open");
    } catch {
      // no storage to remember it in: the panels stay open (readOpen answers true)
    }
    window.dispatchEvent(new Event(CHANGED));
  }, [key]);
  return [open, toggle];
}
