"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { api } from "../api/client";
import { Button } from "../ui/button";
import { FormAlert, TextField } from "../ui/field";
import { useApiForm } from "../ui/use-api-form";

export function SetupForm() {
  const router = useRouter();
  const { pending, formError, fieldErrors, submit, setFormError } = useApiForm();
  const [signingIn, setSigningIn] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const [name, email, password, workspaceName] = ["name", "email", "password", "workspaceName"].map((k) =>
      String(form.get(k) ?? ""),
    );
    const values = { name, email, password, workspaceName };
    const created = await submit(api.account.setup(values));
    if (!created) return;
    setSigningIn(true);
    const result = await signIn("credentials", { email: values.email, password: values.password, redirect: false });
    if (result?.error) {
      setSigningIn(false);
      setFormError(`Your account was created, but signing in failed: ${result.error}`);
      return;
    }
    router.replace(`/w/${created.workspaceSlug}/journeys`);
    router.refresh();
  }

  return (
    <form method="post" action="/api/javascript-required" onSubmit={onSubmit} className="space-y-5" noValidate>
      <FormAlert message={formError} />
      <TextField label="Your name" name="name" autoComplete="name" required error={fieldErrors.name} />
      <TextField label="Work email" name="email" type="email" autoComplete="email" required error={fieldErrors.email} />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        error={fieldErrors.password}
        hint="At least 10 characters. A short sentence is easy to remember and hard to guess."
      />
      <TextField
        label="Workspace name"
        name="workspaceName"
        placeholder="e.g. Acme Marketing"
        required
        error={fieldErrors.workspaceName}
      />
      <Button type="submit" className="w-full" disabled={pending || signingIn}>
        {pending ? "Creating your account…" : signingIn ? "Signing you in…" : "Create owner account"}
      </Button>
    </form>
  );
}
