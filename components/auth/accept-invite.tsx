"use client";

import { signIn, signOut } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { api } from "../api/client";
import { Button } from "../ui/button";
import { FormAlert, TextField } from "../ui/field";
import { useApiForm } from "../ui/use-api-form";

type Mode = "new-account" | "signed-in" | "sign-in-first" | "wrong-account";

export function AcceptInvite({
  token,
  email,
  mode,
  signedInAs,
}: {
  token: string;
  email: string;
  mode: Mode;
  signedInAs?: string;
}) {
  const router = useRouter();
  const { pending, formError, fieldErrors, submit, setFormError } = useApiForm();
  const [signingIn, setSigningIn] = useState(false);

  async function join() {
    const joined = await submit(api.account.acceptInvitation(token));
    if (joined) {
      router.replace(`/w/${joined.workspaceSlug}/journeys`);
      router.refresh();
    }
  }

  async function createAccount(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = String(form.get("password") ?? "");
    const joined = await submit(
      api.account.acceptInvitation(token, { name: String(form.get("name") ?? ""), password }),
    );
    if (!joined) return;
    setSigningIn(true);
    const result = await signIn("credentials", { email, password, redirect: false });
    if (result?.error) {
      setSigningIn(false);
      setFormError(`Your account was created, but signing in failed: ${result.error}`);
      return;
    }
    router.replace(`/w/${joined.workspaceSlug}/journeys`);
    router.refresh();
  }

  if (mode === "signed-in") {
    return (
      <div className="space-y-4">
        <FormAlert message={formError} />
        <Button className="w-full" onClick={join} disabled={pending}>
          {pending ? "Joining…" : "Join the workspace"}
        </Button>
      </div>
    );
  }
  if (mode === "wrong-account") {
    return (
      <div className="space-y-4 text-sm text-stone-700">
        <p>
          You are signed in as <strong>{signedInAs}</strong>, but this invitation is for <strong>{email}</strong>.
        </p>
        <Button
          variant="secondary"
          className="w-full"
          onClick={() => signOut({ callbackUrl: `/invite/${encodeURIComponent(token)}` })}
        >
          Sign out and continue as {email}
        </Button>
      </div>
    );
  }
  if (mode === "sign-in-first") {
    return (
      <div className="space-y-4 text-sm text-stone-700">
        <p>
          There is already a Cairn account for <strong>{email}</strong>. Sign in, and you will come back here to join.
        </p>
        <a className="block" href={`/login?callbackUrl=${encodeURIComponent(`/invite/${token}`)}`}>
          <span className="inline-flex w-full items-center justify-center rounded-md bg-brand-700 px-3.5 py-2 text-sm font-medium text-white hover:bg-brand-800">
            Sign in to accept
          </span>
        </a>
      </div>
    );
  }
  return (
    <form method="post" action="/api/javascript-required" onSubmit={createAccount} className="space-y-5" noValidate>
      <FormAlert message={formError} />
      <TextField label="Email" name="email" value={email} readOnly disabled />
      <TextField label="Your name" name="name" autoComplete="name" required error={fieldErrors.name} />
      <TextField
        label="Choose a password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        error={fieldErrors.password}
        hint="At least 10 characters."
      />
      <Button type="submit" className="w-full" disabled={pending || signingIn}>
        {pending ? "Creating your account…" : signingIn ? "Signing you in…" : "Create account and join"}
      </Button>
    </form>
  );
}
