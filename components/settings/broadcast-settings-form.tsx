"use client";

import { useRouter } from "next/navigation";
import { useMemo, useState, type FormEvent } from "react";
import { api } from "../api/client";
import { Button } from "../ui/button";
import { FormAlert, SelectField, TextField } from "../ui/field";
import { useApiForm } from "../ui/use-api-form";

type SendRole = "EDITOR" | "ADMIN" | "OWNER";

const SEND_ROLES: { value: SendRole; label: string }[] = [
  { value: "EDITOR", label: "Editors, admins and owners" },
  { value: "ADMIN", label: "Admins and owners" },
  { value: "OWNER", label: "Owners only" },
];

/** The workspace's zone (broadcasts' "send at", and people whose zone is unknown) and who may send broadcasts. */
export function BroadcastSettingsForm({
  slug,
  timezone,
  broadcastSendRole,
}: {
  slug: string;
  timezone: string;
  broadcastSendRole: SendRole;
}) {
  const router = useRouter();
  const { pending, formError, fieldErrors, submit } = useApiForm();
  const [saved, setSaved] = useState(false);
  const zones = useMemo(() => Intl.supportedValuesOf("timeZone"), []);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaved(false);
    const form = new FormData(event.currentTarget);
    const body = {
      timezone: String(form.get("timezone") ?? "").trim(),
      broadcastSendRole: String(form.get("broadcastSendRole")) as SendRole,
    };
    if (await submit(api.broadcasts.saveSettings(slug, body))) {
      setSaved(true);
      router.refresh();
    }
  }

  return (
    <form method="post" onSubmit={onSubmit} className="max-w-md space-y-4" noValidate>
      <FormAlert message={formError} />
      <TextField
        label="Time zone"
        name="timezone"
        defaultValue={timezone}
        list="workspace-time-zones"
        required
        error={fieldErrors.timezone}
        hint="Broadcasts sent “at 9:00” use it, and so do people whose own zone is unknown. An IANA name, e.g. Europe/Berlin."
      />
      <datalist id="workspace-time-zones">
        {zones.map((zone) => (
          <option key={zone} value={zone} />
        ))}
      </datalist>
      <SelectField
        label="Who may send broadcasts"
        name="broadcastSendRole"
        defaultValue={broadcastSendRole}
        error={fieldErrors.broadcastSendRole}
        hint="Sending, scheduling, pausing and cancelling. Editors can always draft, preview and test-send; a full API key can send."
      >
        {SEND_ROLES.map((r) => (
          <option key={r.value} value={r.value}>
            {r.label}
          </option>
        ))}
      </SelectField>
      <div className="flex items-center gap-3">
        <Button type="submit" disabled={pending}>
          {pending ? "Saving…" : "Save"}
        </Button>
        {saved ? (
          <span role="status" className="text-sm text-brand-700">
            Saved
          </span>
        ) : null}
      </div>
    </form>
  );
}
