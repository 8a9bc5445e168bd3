"use client";

import { useState } from "react";
import type { MessageDetail } from "@/lib/messaging/messages";
import type { ChannelName } from "../templates/channels";
import { RenderedMessage } from "./rendered-message";

/** The content as sent, with a text-only switch for email. Our own open pixel is left out, so looking here doesn't count as an open. */
export function MessageContent({ message }: { message: MessageDetail }) {
  const [textOnly, setTextOnly] = useState(false);
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
    </div>
  );
}
