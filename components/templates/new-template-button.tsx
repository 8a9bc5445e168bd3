"use client";

import { Plus } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { api } from "../api/client";
import { Dialog } from "../ui/dialog";
import { Button } from "../ui/button";
import { FormAlert, SelectField, TextField } from "../ui/field";
import { useApiForm } from "../ui/use-api-form";
import { KIND_OPTIONS, type TemplateKind } from "./channels";

/** "New template": a name and a channel; opens the editor, where the first save makes v1. */
export function NewTemplateButton({
  slug,
  channel,
  label = "New template",
}: {
  slug: string;
  channel?: TemplateKind | null;
  label?: string;
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button onClick={() => setOpen(true)}>
        <Plus className="h-4 w-4" aria-hidden="true" />
        {label}
      </Button>
      {open ? (
        <NewTemplateDialog slug={slug} initialChannel={channel ?? "email"} onClose={() => setOpen(false)} />
      ) : null}
    </>
  );
}

function NewTemplateDialog({
  slug,
  initialChannel,
  onClose,
}: {
  slug: string;
  initialChannel: TemplateKind;
  onClose: () => void;
}) {
  const router = useRouter();
  const [name, setName] = useState("");
  const [channel, setChannel] = useState<TemplateKind>(initialChannel);
  const { pending, formError, fieldErrors, submit } = useApiForm();
  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const created = await submit(api.templates.create(slug, { name, channel }));
    if (created) router.push(`/w/${slug}/templates/${created.id}`);
  }
  return (
    <Dialog title="New template" description="Name it for your team; pick the channel it sends on." onClose={onClose}>
      <form method="post" onSubmit={onSubmit} className="space-y-4" noValidate>
        <FormAlert message={formError} />
        <TextField
          label="Template name"
          placeholder={channel === "partial" ? "e.g. footer (templates include it by this name)" : "e.g. Welcome email"}
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={fieldErrors.name}
          autoFocus
          maxLength={120}
        />
        <SelectField
          label="Channel"
          value={channel}
          onChange={(e) => setChannel(e.target.value as TemplateKind)}
          error={fieldErrors.channel}
        >
          {KIND_OPTIONS.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </SelectField>
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" disabled={pending}>
            {pending ? "Creating…" : "Create and open"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
