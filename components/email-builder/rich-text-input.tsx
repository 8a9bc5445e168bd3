"use client";

import { Bold, Italic, Link2, Underline } from "lucide-react";
import { useRef } from "react";
import { wrapSelection } from "./model";

/**
 * A text block's rich text: a plain textarea of safe HTML with buttons that wrap the selection in <b>, <i>, <u>
 * or a link. A textarea, not a contentEditable: what is typed is kept byte for byte, so Liquid such as
 * `{{ name | default: "there" }}` never gets smart quotes or entity-escaped braces (the server sanitizes the
 * markup and keeps the Liquid as written).
 */
export function RichTextInput({
  id,
  value,
  onChange,
  readOnly,
  invalid,
  describedBy,
}: {
  id: string;
  value: string;
  onChange: (value: string) => void;
  readOnly: boolean;
  invalid: boolean;
  describedBy?: string;
}) {
  const ref = useRef<HTMLTextAreaElement>(null);
  const wrap = (before: string, after: string) => {
    const area = ref.current;
    if (!area) return;
    const next = wrapSelection(value, area.selectionStart, area.selectionEnd, before, after);
    onChange(next.value);
    requestAnimationFrame(() => {
      area.focus();
      area.setSelectionRange(next.start, next.end);
    });
  };
  const link = () => {
    const href = window.prompt("Link address (https://… or Liquid such as {{ event.properties.url }})", "https://");
    if (href) wrap(`<a href="${href.replace(/"/g, "&quot;")}">`, "</a>");
  };
  const button =
    "inline-flex h-7 w-7 items-center justify-center rounded text-stone-700 hover:bg-stone-100 disabled:opacity-40";
  return (
    <div className="rounded-md ring-1 ring-stone-300 ring-inset">
      <div className="flex gap-0.5 border-b border-stone-200 px-1 py-0.5" role="toolbar" aria-label="Text formatting">
        <button type="button" className={button} onClick={() => wrap("<b>", "</b>")} disabled={readOnly}>
          <Bold className="h-3.5 w-3.5" aria-hidden="true" />
          <span className="sr-only">Bold</span>
        </button>
        <button type="button" className={button} onClick={() => wrap("<i>", "</i>")} disabled={readOnly}>
          <Italic className="h-3.5 w-3.5" aria-hidden="true" />
          <span className="sr-only">Italic</span>
        </button>
        <button type="button" className={button} onClick={() => wrap("<u>", "</u>")} disabled={readOnly}>
          <Underline className="h-3.5 w-3.5" aria-hidden="true" />
          <span className="sr-only">Underline</span>
        </button>
        <button type="button" className={button} onClick={link} disabled={readOnly}>
          <Link2 className="h-3.5 w-3.5" aria-hidden="true" />
          <span className="sr-only">Link</span>
        </button>
      </div>
      <textarea
        ref={ref}
        id={id}
        rows={5}
        value={value}
        readOnly={readOnly}
        spellCheck
        autoCorrect="off"
        aria-invalid={invalid}
        aria-describedby={describedBy}
        onChange={(e) => onChange(e.target.value)}
        className="block w-full rounded-b-md border-0 px-3 py-2 font-mono text-xs text-stone-900 outline-none focus:ring-2 focus:ring-brand-600"
        data-testid="rich-text"
      />
    </div>
  );
}
