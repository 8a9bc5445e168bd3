"use client";

import { Send } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import type { PreviewEventInput } from "@/lib/messaging/templates/schemas";
import { api } from "../api/client";
import { Button } from "../ui/button";
import type { TemplateKind } from "./channels";

/**
 * "Send a test to me": the content as it stands in the editor, rendered for the picked profile, through the
 * workspace's real channel — email to the signed-in user (the Outbox link only when it went to the embedded
 * server), SMS to a number typed here, push and in-app to the person with the userId typed here (your own
 * account in the app: push to its devices, in-app into its inbox).
 */
const BUTTON: Record<string, string> = {
  email: "Send a test to me",
  sms: "Send a test SMS",
  push: "Send a test push",
  in_app: "Send a test to the inbox",
};

export function TestSend({
  slug,
  channel,
  content,
  profileId,
  event = null,
  locale = null,
}: {
  slug: string;
  channel: TemplateKind;
  content: Record<string, unknown>;
  profileId: string | null;
  event?: PreviewEventInput | null;
  /** the language tab open in the editor: the test is that translation; null: the person's own language */
  locale?: string | null;
}) {
  const [to, setTo] = useState("");
  const [sending, setSending] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string; outbox?: boolean } | null>(null);
  if (channel !== "email" && channel !== "sms" && channel !== "push" && channel !== "in_app") return null;
  const testChannel = channel; // narrowed to the channels a test can go out on, for the request below

  async function send() {
    setSending(true);
    setResult(null);
    const response = await api.templates.testSend(slug, {
      channel: testChannel,
      content,
      profileId,
      event,
      ...(locale ? { locale } : {}),
      ...(channel === "email" ? {} : { to: to.trim() }),
    });
    setSending(false);
    if (response.ok) setResult({ ok: true, text: `Test sent to ${response.data.to}.`, outbox: response.data.outbox });
    else {
      const fieldErrors = Object.entries(response.error.fields).map(
        ([path, message]) => `${path.replace(/^content\./, "")}: ${message}`,
      );
      setResult({
        ok: false,
        text: fieldErrors.length ? `${response.error.message} — ${fieldErrors.join("; ")}` : response.error.message,
      });
    }
  }

  return (
    <div className="rounded-lg bg-white p-4 ring-1 ring-stone-200" data-testid="test-send">
      <div className="flex flex-wrap items-end gap-3">
        {channel !== "email" ? (
          <label className="flex flex-col gap-1 text-xs font-medium text-stone-600">
            {channel === "sms" ? "Phone number" : "Your userId in the app"}
            <input
              value={to}
              onChange={(e) => setTo(e.target.value)}
              placeholder={channel === "sms" ? "+15551234567" : "user-123"}
              className="w-48 rounded-md border border-stone-300 px-3 py-1.5 text-sm text-stone-900"
            />
          </label>
        ) : null}
        <Button variant="secondary" onClick={() => void send()} disabled={sending}>
          <Send className="h-4 w-4" aria-hidden="true" />
          {sending ? "Sending…" : BUTTON[channel]}
        </Button>
      </div>
      <TestSendOutcome slug={slug} result={result} />
    </div>
  );
}

/** What a test send answered, with a link to the Outbox when it went there (the template editor, broadcasts). */
export function TestSendOutcome({
  slug,
  result,
}: {
  slug: string;
  result: { ok: boolean; text: string; outbox?: boolean } | null;
}) {
  if (!result) return null;
  return (
    <p role="status" className={`mt-2 text-sm ${result.ok ? "text-brand-700" : "text-red-700"}`}>
      {result.text}{" "}
      {result.outbox ? (
        <Link href={`/w/${slug}/outbox`} className="font-medium underline">
          Open the Outbox
        </Link>
      ) : null}
    </p>
  );
}
