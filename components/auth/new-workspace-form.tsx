"use client";

import { useRouter } from "next/navigation";
import type { FormEvent } from "react";
import { api } from "../api/client";
import { Button } from "../ui/button";
import { FormAlert, TextField } from "../ui/field";
import { useApiForm } from "../ui/use-api-form";

export function NewWorkspaceForm() {
  const router = useRouter();
  const { pending, formError, fieldErrors, submit } = useApiForm();

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const workspace = await submit(api.account.createWorkspace({ name: String(form.get("name") ?? "") }));
    if (workspace) {
      router.push(`/w/${workspace.slug}/journeys`);
      router.refresh();
    }
  }

  return (
    <form method="post" action="/api/javascript-required" onSubmit={onSubmit} className="space-y-5" noValidate>
      <FormAlert message={formError} />
      <TextField
        label="Workspace name"
        name="name"
        placeholder="e.g. Acme EU"
        required
        autoFocus
        error={fieldErrors.name}
      />
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Creating…" : "Create workspace"}
      </Button>
    </form>
  );
}
