"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { BROADCAST_CHANNELS, type BroadcastChannel } from "@/lib/broadcasts/schemas";
import { api } from "../api/client";
import { Button, buttonClass } from "../ui/button";
import { Card } from "../ui/card";
import { FormAlert, SelectField, TextField } from "../ui/field";
import { useApiForm } from "../ui/use-api-form";
import { CHANNEL_LABELS, EMPTY_WEBHOOK, webhookBodyFromForm } from "./model";
import { WebhookTargetFields } from "./webhook-section";

export interface TemplateOption {
  id: string;
  name: string;
  channel: string;
}

/**
 * The first step of a broadcast: its name, channel and template. Creating it opens the editor, where the audience,
 * variants and schedule are set.
 */
export function NewBroadcastForm({ slug, templates }: { slug: string; templates: TemplateOption[] }) {
  const router = useRouter();
  const [name, setName] = useState("");
  const [channel, setChannel] = useState<BroadcastChannel>("email");
  const [templateId, setTemplateId] = useState("");
  // a webhook broadcast's URL and method (its headers are set in the editor)
  const [webhook, setWebhook] = useState(EMPTY_WEBHOOK);
  const { pending, formError, fieldErrors, submit } = useApiForm();
  const [local, setLocal] = useState<Record<string, string>>({});
  const ofChannel = templates.filter((t) => t.channel === channel);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const missing: Record<string, string> = {};
    if (!name.trim()) missing.name = "Name the broadcast";
    if (!templateId) missing["variants.0.templateId"] = "Choose a template";
    if (channel === "webhook" && !webhook.url.trim()) missing["webhook.url"] = "Give the URL the requests go to";
    setLocal(missing);
    if (Object.keys(missing).length) return;
    const created = await submit(
      api.broadcasts.create(slug, {
        name: name.trim(),
        channel,
        ...(channel === "webhook" ? { webhook: webhookBodyFromForm(webhook).body } : {}),
        variants: [{ key: "A", name: "", templateId, weight: 100 }],
      }),
    );
    if (created) router.push(`/w/${slug}/broadcasts/${created.id}`);
  }

  const error = (path: string) => local[path] ?? fieldErrors[path];
  return (
    <div className="mt-6 max-w-xl">
      <Card
        title="New broadcast"
        description="Name it for your team and choose what it sends. The audience and the schedule come next."
      >
        <form method="post" onSubmit={onSubmit} className="space-y-4" noValidate>
          <FormAlert message={formError} />
          <TextField
            label="Name"
            placeholder="e.g. Black Friday 2026"
            value={name}
            onChange={(e) => setName(e.target.value)}
            error={error("name")}
            maxLength={120}
            autoFocus
          />
          <SelectField
            label="Channel"
            value={channel}
            onChange={(e) => {
              setChannel(e.target.value as BroadcastChannel);
              setTemplateId("");
            }}
            error={error("channel")}
          >
            {BROADCAST_CHANNELS.map((c) => (
              <option key={c} value={c}>
                {CHANNEL_LABELS[c]}
              </option>
            ))}
          </SelectField>
          {channel === "webhook" ? (
            <div className="grid gap-4 sm:grid-cols-[7rem_1fr]">
              <WebhookTargetFields
                value={webhook}
                onChange={setWebhook}
                error={error}
                hint="Each person of the audience is one request to it, with the template's body."
              />
            </div>
          ) : null}
          <SelectField
            label="Template"
            value={templateId}
            onChange={(e) => setTemplateId(e.target.value)}
            error={error("variants.0.templateId") ?? error("variants")}
            hint={
              ofChannel.length ? (
                "Variants with other templates can be added in the editor."
              ) : (
                <>
                  No saved {CHANNEL_LABELS[channel].toLowerCase()} template yet.{" "}
                  <Link href={`/w/${slug}/templates`} className="font-medium text-brand-700 hover:underline">
                    Create one in Templates
                  </Link>
                  .
                </>
              )
            }
          >
            <option value="">Choose a template…</option>
            {ofChannel.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </SelectField>
          <div className="flex justify-end gap-2">
            <Link href={`/w/${slug}/broadcasts`} className={buttonClass("secondary")}>
              Cancel
            </Link>
            <Button type="submit" disabled={pending}>
              {pending ? "Creating…" : "Create draft"}
            </Button>
          </div>
        </form>
      </Card>
    </div>
  );
}
