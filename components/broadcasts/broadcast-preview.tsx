"use client";

import { Monitor, Send, Smartphone } from "lucide-react";
import { useEffect, useState, type ReactNode } from "react";
import type { BroadcastPreview } from "@/lib/broadcasts/broadcast-views";
import type { BroadcastChannel } from "@/lib/broadcasts/schemas";
import { api } from "../api/client";
import { RenderedMessage } from "../messages/rendered-message";
import { ProfilePicker, type PickedProfile } from "../templates/profile-picker";
import { TestSendOutcome } from "../templates/test-send";
import { Button } from "../ui/button";
import { FormAlert } from "../ui/field";
import { webhookPreviewFields } from "./model";

/**
 * Each variant rendered for real people: the first few of the audience, or a profile the marketer picks; email at
 * desktop or phone width. Renders the saved draft (`version` changes after each save and fetches again).
 */
export function BroadcastPreviewPanel({
  slug,
  broadcastId,
  channel,
  variantKeys,
  version,
  canEdit,
}: {
  slug: string;
  broadcastId: string;
  channel: BroadcastChannel;
  variantKeys: string[];
  version: string;
  canEdit: boolean;
}) {
  const [profile, setProfile] = useState<PickedProfile | null>(null);
  const [preview, setPreview] = useState<BroadcastPreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [variant, setVariant] = useState(variantKeys[0] ?? "A");
  const [recipientIndex, setRecipientIndex] = useState(0);
  const [width, setWidth] = useState<"desktop" | "mobile">("desktop");

  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const result = await api.broadcasts.preview(slug, broadcastId, profile ? { profileId: profile.id } : {});
      if (cancelled) return;
      if (result.ok) {
        setPreview(result.data);
        setError(null);
        setRecipientIndex(0);
      } else setError(result.error.message);
    })();
    return () => {
      cancelled = true;
    };
  }, [slug, broadcastId, profile, version]);

  const shownVariant = preview?.variants.find((v) => v.key === variant) ?? preview?.variants[0] ?? null;
  const recipients = shownVariant?.recipients ?? [];
  const recipient = recipients[Math.min(recipientIndex, recipients.length - 1)] ?? null;

  return (
    <div className="space-y-3" data-testid="broadcast-preview">
      <ProfilePicker
        slug={slug}
        value={profile}
        onChange={setProfile}
        fallbackLabel="the first people of the audience"
        clearLabel="Back to the audience"
      />
      <FormAlert message={error ? `The preview failed: ${error}` : null} />
      <div className="rounded-lg bg-white ring-1 ring-stone-200">
        <div className="flex flex-wrap items-center justify-between gap-2 border-b border-stone-100 px-4 py-2.5">
          <div className="flex flex-wrap items-center gap-2">
            {preview && preview.variants.length > 1 ? (
              <div role="tablist" aria-label="Variant" className="flex gap-1 rounded-md bg-stone-100 p-0.5">
                {preview.variants.map((v) => (
                  <button
                    key={v.key}
                    type="button"
                    role="tab"
                    aria-selected={shownVariant?.key === v.key}
                    onClick={() => setVariant(v.key)}
                    className={`rounded px-2 py-1 text-xs font-medium ${shownVariant?.key === v.key ? "bg-white text-stone-900 shadow-sm" : "text-stone-600"}`}
                  >
                    {v.key}
                  </button>
                ))}
              </div>
            ) : null}
            {recipients.length > 1 ? (
              <select
                aria-label="Recipient"
                value={recipientIndex}
                onChange={(e) => setRecipientIndex(Number(e.target.value))}
                className="rounded-md border-0 py-1 pr-7 pl-2 text-xs ring-1 ring-stone-300 ring-inset"
              >
                {recipients.map((r, i) => (
                  <option key={r.profile.id} value={i}>
                    {r.profile.label}
                  </option>
                ))}
              </select>
            ) : recipient ? (
              <span className="text-xs text-stone-600" data-testid="preview-recipient">
                For {recipient.profile.label}
              </span>
            ) : null}
          </div>
          {channel === "email" ? (
            <div role="group" aria-label="Width" className="flex gap-1">
              <WidthButton active={width === "desktop"} onClick={() => setWidth("desktop")} label="Desktop">
                <Monitor className="h-4 w-4" aria-hidden="true" />
              </WidthButton>
              <WidthButton active={width === "mobile"} onClick={() => setWidth("mobile")} label="Mobile">
                <Smartphone className="h-4 w-4" aria-hidden="true" />
              </WidthButton>
            </div>
          ) : null}
        </div>
        <div className="p-4">
          {!preview && !error ? <p className="text-sm text-stone-500">Rendering the preview…</p> : null}
          {preview && !recipient ? (
            <p className="text-sm text-stone-500">
              Nobody to preview for yet: choose segments with members, or find a profile above.
            </p>
          ) : null}
          {recipient ? (
            <div data-testid="preview" className={width === "mobile" ? "mx-auto max-w-[375px]" : ""}>
              {recipient.errors.length ? (
                <ul className="mb-3 space-y-1 text-sm text-red-700" data-testid="preview-errors">
                  {recipient.errors.map((e) => (
                    <li key={e.path}>
                      {e.path}: {e.message}
                    </li>
                  ))}
                </ul>
              ) : null}
              {recipient.missingVariables.length ? (
                <p className="mb-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200 ring-inset">
                  {recipient.profile.label} lacks {recipient.missingVariables.join(", ")}: rendered as nothing unless
                  the template gives a default.
                </p>
              ) : null}
              {channel === "webhook" ? (
                recipient.request ? (
                  <div className="space-y-2" data-testid="preview-request">
                    <p className="font-mono text-xs break-all text-stone-900">
                      <span className="font-semibold">{recipient.request.method}</span> {recipient.request.url}
                    </p>
                    <RenderedMessage
                      channel="webhook"
                      fields={webhookPreviewFields(recipient.request)}
                      textOnly={false}
                    />
                    <p className="text-xs text-stone-500">
                      Sent with Idempotency-Key (the message&apos;s id) and X-Cairn-Signature added.
                    </p>
                  </div>
                ) : null
              ) : (
                <RenderedMessage channel={channel} fields={recipient.fields} textOnly={false} />
              )}
            </div>
          ) : null}
        </div>
      </div>
      {canEdit && recipient && shownVariant ? (
        <TestSend
          slug={slug}
          broadcastId={broadcastId}
          channel={channel}
          variant={shownVariant.key}
          profile={recipient.profile}
        />
      ) : null}
    </div>
  );
}

function WidthButton({
  active,
  onClick,
  label,
  children,
}: {
  active: boolean;
  onClick: () => void;
  label: string;
  children: ReactNode;
}) {
  return (
    <button
      type="button"
      aria-pressed={active}
      aria-label={label}
      title={label}
      onClick={onClick}
      className={`rounded p-1.5 ${active ? "bg-brand-50 text-brand-800" : "text-stone-500 hover:bg-stone-100"}`}
    >
      {children}
    </button>
  );
}

/**
 * A test of the shown variant, rendered for the shown person: to that person's own address, or to up to five
 * typed addresses (email or phone, by channel). Not counted in the results.
 */
function TestSend({
  slug,
  broadcastId,
  channel,
  variant,
  profile,
}: {
  slug: string;
  broadcastId: string;
  channel: BroadcastChannel;
  variant: string;
  profile: { id: string; label: string };
}) {
  const [to, setTo] = useState("");
  const [sending, setSending] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string; outbox: boolean } | null>(null);
  const addressable = channel === "email" || channel === "sms";

  async function send() {
    setSending(true);
    setResult(null);
    const addresses = to
      .split(/[\s,;]+/)
      .map((a) => a.trim())
      .filter(Boolean);
    const response = await api.broadcasts.testSend(slug, broadcastId, {
      variant,
      profileId: profile.id,
      ...(addresses.length ? { to: addresses } : {}),
    });
    setSending(false);
    if (response.ok)
      setResult({
        ok: true,
        text:
          channel === "webhook"
            ? `Test of ${response.data.variant}: ${response.data.sent.map((s) => `${s.to} answered ${s.response}`).join("; ")}`
            : `Test of ${response.data.variant} sent to ${response.data.sent.map((s) => s.to).join(", ")}.`,
        outbox: response.data.sent.some((s) => s.outbox),
      });
    else {
      const fields = Object.entries(response.error.fields).map(([path, message]) => `${path}: ${message}`);
      setResult({
        ok: false,
        text: fields.length ? `${response.error.message} — ${fields.join("; ")}` : response.error.message,
        outbox: false,
      });
    }
  }

  return (
    <div className="rounded-lg bg-white p-4 ring-1 ring-stone-200" data-testid="test-send">
      <h3 className="text-sm font-semibold text-stone-900">Send a test</h3>
      <p className="mt-0.5 text-xs text-stone-500">
        {channel === "webhook"
          ? `One real request to the URL with variant ${variant} rendered for ${profile.label}, marked X-Cairn-Test; not counted in the results.`
          : `Variant ${variant} as ${profile.label} sees it. Tests are marked as tests and not counted in the results.`}
      </p>
      <div className="mt-3 flex flex-wrap items-end gap-3">
        {addressable ? (
          <label className="flex min-w-0 flex-1 flex-col gap-1 text-xs font-medium text-stone-600">
            {channel === "email"
              ? "To (up to 5 addresses; empty: the person's own)"
              : "To (up to 5 numbers; empty: the person's own)"}
            <input
              value={to}
              onChange={(e) => setTo(e.target.value)}
              placeholder={channel === "email" ? "you@example.com, team@example.com" : "+15551234567"}
              className="rounded-md border border-stone-300 px-3 py-1.5 text-sm text-stone-900"
            />
          </label>
        ) : null}
        <Button variant="secondary" onClick={() => void send()} disabled={sending}>
          <Send className="h-4 w-4" aria-hidden="true" />
          {sending ? "Sending…" : "Send test"}
        </Button>
      </div>
      <TestSendOutcome slug={slug} result={result} />
    </div>
  );
}
