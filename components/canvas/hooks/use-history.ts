"use client";

import { type RefObject, useCallback, useRef, useState } from "react";
import type { Snapshot } from "../editor/flow-graph";

/**
 * Undo and redo over whole snapshots of the draft (at most 100 back). `remember` is called before a change;
 * edits of the same field (the same `key`) within a second are one step, so typing a name is one undo.
 */
export function useHistory(current: RefObject<Snapshot>, restore: (snapshot: Snapshot) => void) {
  const history = useRef<{ past: Snapshot[]; future: Snapshot[]; lastKey: string; lastAt: number }>({
    past: [],
    future: [],
    lastKey: "",
    lastAt: 0,
  });
  const [size, setSize] = useState({ past: 0, future: 0 });
  const sync = useCallback(
    () => setSize({ past: history.current.past.length, future: history.current.future.length }),
    [],
  );
  const remember = useCallback(
    (key = "") => {
      const h = history.current;
      const now = Date.now();
      if (key && key === h.lastKey && now - h.lastAt < 1000) {
        h.lastAt = now;
        return;
      }
      h.past = [...h.past.slice(-99), current.current];
      h.future = [];
      h.lastKey = key;
      h.lastAt = now;
      sync();
    },
    [current, sync],
  );
  const undo = useCallback(() => {
    const h = history.current;
    const previous = h.past.pop();
    if (!previous) return;
    h.future.push(current.current);
    h.lastKey = "";
    restore(previous);
    sync();
  }, [current, restore, sync]);
  const redo = useCallback(() => {
    const h = history.current;
    const next = h.future.pop();
    if (!next) return;
    h.past.push(current.current);
    h.lastKey = "";
    restore(next);
    sync();
  }, [current, restore, sync]);
  return { remember, undo, redo, canUndo: size.past > 0, canRedo: size.future > 0 };
}
