"use client";

import { useState } from "react";
import type { PreviewResult } from "@/lib/messaging/templates";
import type { ChannelName } from "./channels";

/** The rendered message as its recipient would see it. Email HTML renders in a sandboxed iframe (no scripts, no same origin). */
export function PreviewPane({ channel, preview }: { channel: ChannelName; preview: PreviewResult | null }) {
  const [textOnly, setTextOnly] = useState(false);
  if (!preview) return <p className="text-sm text-stone-500">Rendering the preview…</p>;
  const f = preview.fields;
  return (
    <div className="rounded-lg bg-white ring-1 ring-stone-200" data-testid="preview">
      <div className="flex items-center justify-between border-b border-stone-100 px-4 py-2.5">
        <h2 className="text-sm font-semibold text-stone-900">Preview</h2>
        {channel === "email" ? (
          <label className="flex items-center gap-2 text-sm text-stone-700">
            <input type="checkbox" checked={textOnly} onChange={(e) => setTextOnly(e.target.checked)} className="h-4 w-4 rounded border-stone-300 text-brand-600" />
            Text only
          </label>
        ) : null}
      </div>
      <div className="p-4">
        {preview.errors.length ? (
          <p className="mb-3 text-sm text-red-700" data-testid="preview-errors">
            {preview.errors.length === 1 ? "A field has a Liquid error" : `${preview.errors.length} fields have Liquid errors`}: it shows under the field, and the field stays blank here until it is fixed.
          </p>
        ) : null}
        {channel === "email" ? (
          <div className="space-y-3">
            <dl className="space-y-1 text-sm">
              <div className="flex gap-2">
                <dt className="w-20 shrink-0 text-stone-500">Subject</dt>
                <dd className="font-medium text-stone-900" data-testid="preview-subject">
                  {f.subject ?? ""}
                </dd>
              </div>
              {f.preheader ? (
                <div className="flex gap-2">
                  <dt className="w-20 shrink-0 text-stone-500">Preheader</dt>
                  <dd className="text-stone-700">{f.preheader}</dd>
                </div>
              ) : null}
            </dl>
            {textOnly ? (
              <pre className="max-h-[32rem] overflow-auto rounded-md bg-stone-50 p-3 font-sans text-sm whitespace-pre-wrap text-stone-800 ring-1 ring-stone-200" data-testid="preview-text">
                {f.text ?? ""}
              </pre>
            ) : (
              <iframe title="Email preview" sandbox="" srcDoc={f.html ?? ""} className="h-[32rem] w-full rounded-md bg-white ring-1 ring-stone-200" data-testid="preview-html" />
            )}
          </div>
        ) : channel === "sms" ? (
          <div className="flex justify-start">
            <p className="max-w-xs rounded-2xl rounded-bl-sm bg-stone-100 px-4 py-2.5 text-sm whitespace-pre-wrap text-stone-900" data-testid="preview-body">
              {f.body ?? ""}
            </p>
          </div>
        ) : channel === "push" ? (
          <div className="max-w-sm rounded-xl bg-stone-50 p-3 shadow-sm ring-1 ring-stone-200">
            <p className="text-sm font-semibold text-stone-900">{f.title ?? ""}</p>
            <p className="mt-0.5 text-sm whitespace-pre-wrap text-stone-700" data-testid="preview-body">
              {f.body ?? ""}
            </p>
            {f.imageUrl ? <p className="mt-2 truncate text-xs text-stone-500">Image: {f.imageUrl}</p> : null}
            {f.deepLink ? <p className="truncate text-xs text-stone-500">Opens: {f.deepLink}</p> : null}
          </div>
        ) : (
          <div className="max-w-sm rounded-xl bg-white p-4 shadow-md ring-1 ring-stone-200">
            <p className="text-base font-semibold text-stone-900">{f.title ?? ""}</p>
            <p className="mt-1 text-sm whitespace-pre-wrap text-stone-700" data-testid="preview-body">
              {f.body ?? ""}
            </p>
            {f["cta.label"] ? (
              <p className="mt-3">
                <span className="inline-block rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white">{f["cta.label"]}</span>
                {f["cta.url"] ? <span className="ml-2 text-xs text-stone-500">{f["cta.url"]}</span> : null}
              </p>
            ) : null}
          </div>
        )}
      </div>
    </div>
  );
}
