"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { api } from "../api/client";
import { Button } from "../ui/button";
import { FormAlert, TextField } from "../ui/field";
import { useApiForm } from "../ui/use-api-form";

export function WorkspaceNameForm({ slug, name }: { slug: string; name: string }) {
  const router = useRouter();
  const { pending, formError, fieldErrors, submit } = useApiForm();
  const [saved, setSaved] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaved(false);
    const form = new FormData(event.currentTarget);
    if (await submit(api.workspace.rename(slug, { name: String(form.get("name") ?? "") }))) {
      setSaved(true);
      router.refresh();
    }
  }

  return (
    <form method="post" onSubmit={onSubmit} className="max-w-md space-y-4" noValidate>
      <FormAlert message={formError} />
      <TextField label="Workspace name" name="name" defaultValue={name} required error={fieldErrors.name} />
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
