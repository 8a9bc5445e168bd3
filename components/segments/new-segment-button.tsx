"use client";

import { Plus } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { api } from "../api/client";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { FormAlert, TextField } from "../ui/field";
import { useApiForm } from "../ui/use-api-form";

type Kind = "dynamic" | "manual";

/**
 * "New segment": a name and what kind. A dynamic segment opens the builder (created when its definition is
 * saved); a manual one is created now and opens its page, where a CSV upload fills it.
 */
export function NewSegmentButton({ slug, label = "New segment" }: { slug: string; label?: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button onClick={() => setOpen(true)}>
        <Plus className="h-4 w-4" aria-hidden="true" />
        {label}
      </Button>
      {open ? <NewSegmentDialog slug={slug} onClose={() => setOpen(false)} /> : null}
    </>
  );
}

function NewSegmentDialog({ slug, onClose }: { slug: string; onClose: () => void }) {
  const router = useRouter();
  const [name, setName] = useState("");
  const [kind, setKind] = useState<Kind>("dynamic");
  const { pending, formError, fieldErrors, submit, setFormError } = useApiForm();
  const [nameError, setNameError] = useState<string | null>(null);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setFormError(null);
    if (!name.trim()) return setNameError("is required");
    setNameError(null);
    if (kind === "dynamic") {
      router.push(`/w/${slug}/segments/new?name=${encodeURIComponent(name.trim())}`);
      return;
    }
    const created = await submit(api.segments.create(slug, { name: name.trim(), kind: "manual" }));
    if (created) router.push(`/w/${slug}/segments/${created.id}`);
  }

  return (
    <Dialog title="New segment" description="Name it for your team, and choose how people get in." onClose={onClose}>
      <form method="post" onSubmit={onSubmit} className="space-y-4" noValidate>
        <FormAlert message={formError} />
        <TextField
          label="Segment name"
          placeholder="e.g. Browsed, didn't buy"
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={nameError ? `Segment name ${nameError}.` : fieldErrors.name}
          autoFocus
          maxLength={255}
        />
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium text-stone-800">Who is in it</legend>
          {(
            [
              {
                value: "dynamic",
                title: "Dynamic",
                text: "People who match conditions on what they did and who they are; kept current as events arrive.",
              },
              {
                value: "manual",
                title: "Manual",
                text: "A list of user ids you upload as CSV; changes only when you upload again.",
              },
            ] as const
          ).map((o) => (
            <label
              key={o.value}
              className={`flex cursor-pointer gap-3 rounded-lg p-3 ring-1 ring-inset ${kind === o.value ? "bg-brand-50/60 ring-brand-300" : "ring-stone-200 hover:bg-stone-50"}`}
            >
              <input
                type="radio"
                name="segment-kind"
                value={o.value}
                checked={kind === o.value}
                onChange={() => setKind(o.value)}
                className="mt-0.5 accent-brand-700"
              />
              <span>
                <span className="block text-sm font-medium text-stone-900">{o.title}</span>
                <span className="block text-xs text-stone-600">{o.text}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" disabled={pending}>
            {kind === "dynamic" ? "Open the builder" : pending ? "Creating…" : "Create segment"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
