"use client";

import { useState } from "react";
import type { PreviewResult } from "@/lib/messaging/templates/preview-template";
import { forceDarkScheme, PreviewFrame, PreviewModeControls, type PreviewDevice } from "../email-builder/preview-modes";
import { RenderedMessage } from "../messages/rendered-message";
import type { TemplateKind } from "./channels";

/**
 * The rendered message as its recipient would see it. Email HTML renders in a sandboxed iframe (no scripts, no
 * same origin); a webhook template shows the request's headers and body (JSON pretty-printed by the server).
 */
export function PreviewPane({ channel, preview }: { channel: TemplateKind; preview: PreviewResult | null }) {
  const [textOnly, setTextOnly] = useState(false);
  // email: desktop or mobile width, light or dark (components/email-builder/preview-modes.tsx)
  const [device, setDevice] = useState<PreviewDevice>("desktop");
  const [dark, setDark] = useState(false);
  if (!preview) return <p className="text-sm text-stone-500">Rendering the preview…</p>;
  const f =
    channel === "email" && dark && preview.fields.html
      ? { ...preview.fields, html: forceDarkScheme(preview.fields.html) }
      : preview.fields;
  return (
    <div className="rounded-lg bg-white ring-1 ring-stone-200" data-testid="preview">
      <div className="flex items-center justify-between border-b border-stone-100 px-4 py-2.5">
        <h2 className="text-sm font-semibold text-stone-900">Preview</h2>
        {channel === "email" ? (
          <PreviewModeControls device={device} dark={dark} onDevice={setDevice} onDark={setDark} />
        ) : null}
        {channel === "email" ? (
          <label className="flex items-center gap-2 text-sm text-stone-700">
            <input
              type="checkbox"
              checked={textOnly}
              onChange={(e) => setTextOnly(e.target.checked)}
              className="h-4 w-4 rounded border-stone-300 text-brand-600"
            />
            Text only
          </label>
        ) : null}
      </div>
      <div className="p-4">
        {preview.errors.length ? (
          <p className="mb-3 text-sm text-red-700" data-testid="preview-errors">
            {preview.errors.length === 1
              ? "A field has a Liquid error"
              : `${preview.errors.length} fields have Liquid errors`}
            : it shows under the field, and the field stays blank here until it is fixed.
          </p>
        ) : null}
        {preview.warnings?.length ? (
          <ul
            className="mb-3 space-y-1 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200 ring-inset"
            data-testid="preview-warnings"
          >
            {preview.warnings.map((w) => (
              <li key={w.path}>{w.message}</li>
            ))}
          </ul>
        ) : null}
        {channel === "email" ? (
          <PreviewFrame device={device}>
            <RenderedMessage channel={channel} fields={f} textOnly={textOnly} />
          </PreviewFrame>
        ) : (
          <RenderedMessage channel={channel} fields={f} textOnly={textOnly} />
        )}
      </div>
    </div>
  );
}
