"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button } from "../ui/button";
import { FormAlert, TextField } from "../ui/field";

const ERROR_MESSAGES: Record<string, string> = {
  CredentialsSignin: "Invalid email or password.",
  OAuthAccountNotLinked: "That account is not linked to Cairn yet.",
  AccessDenied: "You do not have access to Cairn.",
};

export function LoginForm({
  callbackUrl,
  initialError,
  notice,
  oauth,
}: {
  callbackUrl: string;
  initialError?: string;
  /** Why the person is here (e.g. their password was just changed), shown until they sign in. */
  notice?: string;
  oauth: { github: boolean; google: boolean };
}) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(
    initialError ? (ERROR_MESSAGES[initialError] ?? initialError) : null,
  );

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    const result = await signIn("credentials", {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      redirect: false,
    });
    if (!result || result.error) {
      setPending(false);
      setError(ERROR_MESSAGES[result?.error ?? ""] ?? result?.error ?? "Sign-in failed. Try again.");
      return;
    }
    router.replace(callbackUrl);
    router.refresh();
  }

  return (
    <div className="space-y-6">
      <form method="post" action="/api/javascript-required" onSubmit={onSubmit} className="space-y-5" noValidate>
        {notice ? (
          <p
            role="status"
            className="rounded-md bg-brand-50 px-3 py-2.5 text-sm text-brand-800 ring-1 ring-inset ring-brand-200"
          >
            {notice}
          </p>
        ) : null}
        <FormAlert message={error} />
        <TextField label="Email" name="email" type="email" autoComplete="email" required autoFocus />
        <TextField label="Password" name="password" type="password" autoComplete="current-password" required />
        <Button type="submit" className="w-full" disabled={pending}>
          {pending ? "Signing in…" : "Sign in"}
        </Button>
      </form>
      {oauth.github || oauth.google ? (
        <div className="space-y-3">
          <div className="flex items-center gap-3 text-xs text-stone-500">
            <span className="h-px flex-1 bg-stone-200" /> or <span className="h-px flex-1 bg-stone-200" />
          </div>
          {oauth.github ? (
            <Button variant="secondary" className="w-full" onClick={() => signIn("github", { callbackUrl })}>
              Continue with GitHub
            </Button>
          ) : null}
          {oauth.google ? (
            <Button variant="secondary" className="w-full" onClick={() => signIn("google", { callbackUrl })}>
              Continue with Google
            </Button>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
