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
  // email only: built from blocks (components/email-builder) or written as HTML; the editor opens in that mode
  const [editor, setEditor] = useState<"visual" | "code">("visual");
  const { pending, formError, fieldErrors, submit } = useApiForm();
  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const created = await submit(api.templates.create(slug, { name, channel }));
    if (created)
      router.push(
        `/w/${slug}/templates/${created.id}${channel === "email" && editor === "visual" ? "?editor=visual" : ""}`,
      );
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
        {channel === "email" ? (
          <fieldset className="space-y-1.5">
            <legend className="text-sm font-medium text-stone-800">Editor</legend>
            <label className="flex items-start gap-2 text-sm text-stone-700">
              <input
                type="radio"
                name="editor"
                value="visual"
                checked={editor === "visual"}
                onChange={() => setEditor("visual")}
                className="mt-0.5"
              />
              <span>
                Visual: drag blocks (text, images, buttons, columns, products, footer); responsive HTML is made for you.
              </span>
            </label>
            <label className="flex items-start gap-2 text-sm text-stone-700">
              <input
                type="radio"
                name="editor"
                value="code"
                checked={editor === "code"}
                onChange={() => setEditor("code")}
                className="mt-0.5"
              />
              <span>Code (HTML): write the HTML yourself. A code email stays code: it cannot become visual later.</span>
            </label>
          </fieldset>
        ) : null}
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
