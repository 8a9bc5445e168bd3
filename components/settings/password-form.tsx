"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { api } from "../api/client";
import { Button } from "../ui/button";
import { FormAlert, TextField } from "../ui/field";
import { useApiForm } from "../ui/use-api-form";

/**
 * Changes the signed-in person's password, or sets a first one for someone who signed up with GitHub or
 * Google. Either way every session of theirs ends, this one too, so on success the form sends them to sign in.
 * Without script it posts nowhere useful (/api/javascript-required), so the passwords never reach a URL.
 */
export function PasswordForm({
  email,
  hasPassword,
  returnTo,
}: {
  email: string;
  hasPassword: boolean;
  returnTo: string;
}) {
  const router = useRouter();
  const { pending, formError, fieldErrors, submit } = useApiForm();
  const [confirmError, setConfirmError] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const currentPassword = hasPassword ? String(form.get("currentPassword") ?? "") : "";
    const newPassword = String(form.get("newPassword") ?? "");
    if (newPassword !== String(form.get("confirmPassword") ?? "")) {
      setConfirmError("This does not match the new password; type the same password twice.");
      return;
    }
    setConfirmError(null);
    const changed = await submit(api.account.changePassword({ currentPassword, newPassword }));
    if (!changed) return;
    setDone(true);
    router.replace(`/login?passwordChanged=1&callbackUrl=${encodeURIComponent(returnTo)}`);
    router.refresh();
  }

  return (
    <form method="post" action="/api/javascript-required" onSubmit={onSubmit} className="max-w-md space-y-4" noValidate>
      <FormAlert message={formError} />
      {/* For password managers: which account this password belongs to. */}
      <input type="text" name="username" autoComplete="username" value={email} readOnly hidden />
      {hasPassword ? (
        <TextField
          label="Current password"
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          required
          error={fieldErrors.currentPassword}
        />
      ) : null}
      <TextField
        label={hasPassword ? "New password" : "Password"}
        name="newPassword"
        type="password"
        autoComplete="new-password"
        required
        error={fieldErrors.newPassword}
        hint="At least 10 characters. A short sentence is easy to remember and hard to guess."
      />
      <TextField
        label={hasPassword ? "Confirm the new password" : "Confirm the password"}
        name="confirmPassword"
        type="password"
        autoComplete="new-password"
        required
        error={confirmError ?? undefined}
      />
      <div className="flex items-center gap-3">
        <Button type="submit" disabled={pending || done}>
          {pending ? "Saving…" : done ? "Taking you to sign in…" : hasPassword ? "Change password" : "Set password"}
        </Button>
      </div>
    </form>
  );
}
