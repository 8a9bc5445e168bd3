"use client";

import { useState } from "react";
import type { MessageDetail } from "@/lib/messaging/messages";
import type { ChannelName } from "../templates/channels";
import type { RenderTrace } from "@/lib/content/prepare-render";
import { RenderedMessage } from "./rendered-message";
import { RenderTraceView } from "./render-trace-view";

/** The content as sent, with a text-only switch for email. Our own open pixel is left out, so looking here doesn't count as an open. */
export function MessageContent({ message }: { message: MessageDetail }) {
  const [textOnly, setTextOnly] = useState(false);
  if (message.channel === "webhook") return <WebhookRequestView content={message.content ?? {}} />;
  const content = message.content ?? {};
  const cta = content.cta as { label?: string; url?: string } | null | undefined;
  const fields: Record<string, string | undefined> = {
    ...Object.fromEntries(Object.entries(content).filter(([, v]) => typeof v === "string")),
    html:
      typeof content.html === "string" ? content.html.replace(/<img src="[^"]*\/t\/o\/[^"]*"[^>]*\/>/g, "") : undefined,
    "cta.label": cta?.label,
    "cta.url": cta?.url,
  };
  return (
    <div className="space-y-3">
      {message.channel === "email" ? (
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
      <RenderedMessage channel={message.channel as ChannelName} fields={fields} textOnly={textOnly} />
      <RenderTraceView trace={content.renderTrace as RenderTrace | undefined} />
    </div>
  );
}

/**
 * A webhook broadcast's message is a request: what was sent (method, URL, body) and what the receiver answered
 * (status and the start of its body, as lib/broadcasts/send/webhook-send.ts stores them). Headers are not stored:
 * they may carry the receiver's credentials.
 */
function WebhookRequestView({ content }: { content: Record<string, unknown> }) {
  const text = (v: unknown) => (typeof v === "string" ? v : "");
  const response = content.response as { status?: number; body?: string } | null | undefined;
  return (
    <div className="space-y-3 text-sm" data-testid="webhook-request">
      <p className="font-mono text-stone-800">
        <span className="font-semibold">{text(content.method) || "POST"}</span> {text(content.url)}
      </p>
      <div>
        <p className="mb-1 text-xs font-medium uppercase tracking-wide text-stone-500">Body sent</p>
        <pre className="max-h-64 overflow-auto whitespace-pre-wrap break-all rounded border border-stone-200 bg-stone-50 p-2 font-mono text-xs">
          {text(content.body) || "(empty)"}
        </pre>
      </div>
      <div>
        <p className="mb-1 text-xs font-medium uppercase tracking-wide text-stone-500">Answer</p>
        {response?.status ? (
          <pre className="max-h-64 overflow-auto whitespace-pre-wrap break-all rounded border border-stone-200 bg-stone-50 p-2 font-mono text-xs">
            {`HTTP ${response.status}${response.body ? `\n\n${response.body}` : ""}`}
          </pre>
        ) : (
          <p className="text-stone-600">No answer recorded yet (see the timeline for attempts and failures).</p>
        )}
      </div>
    </div>
  );
}
