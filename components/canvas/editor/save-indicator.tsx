import { CircleCheck, Loader2 } from "lucide-react";
import type { SaveState } from "../hooks/use-autosave";

/** Where autosave is: saved, saving, unsaved changes or not saved (nothing while read-only). */
export function SaveIndicator({ state }: { state: SaveState }) {
  if (state === "readonly") return null;
  const text = { saved: "Saved", saving: "Saving…", unsaved: "Unsaved changes", error: "Not saved" }[state];
  return (
    <span
      data-testid="save-state"
      className={`inline-flex items-center gap-1.5 text-xs ${state === "error" ? "font-medium text-red-700" : "text-stone-500"}`}
    >
      {state === "saving" ? (
        <Loader2 className="h-3.5 w-3.5 animate-spin" aria-hidden="true" />
      ) : state === "saved" ? (
        <CircleCheck className="h-3.5 w-3.5 text-brand-600" aria-hidden="true" />
      ) : null}
      {text}
    </span>
  );
}
