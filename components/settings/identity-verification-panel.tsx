"use client";

import { Eye, EyeOff, RefreshCw } from "lucide-react";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { FormAlert } from "@/components/ui/field";
import { type ApiResult, api } from "@/components/api/client";
import { CodeBlock } from "./code-block";

interface Settings {
  secret: string;
  requireVerifiedIdentify: boolean;
}

/**
 * Identity verification (admins): the secret the customer's server signs user ids with, its rotation, and
 * whether browsers' identify calls must carry the signature too (the in-app inbox always requires it).
 */
export function IdentityVerificationPanel({
  slug,
  initial,
  snippet,
}: {
  slug: string;
  initial: Settings;
  snippet: string;
}) {
  const [settings, setSettings] = useState(initial);
  const [shown, setShown] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  async function run(call: () => Promise<ApiResult<Settings>>, done: string) {
    setPending(true);
    setError(null);
    setNotice(null);
    const result = await call();
    setPending(false);
    if (!result.ok) return setError(result.error.message);
    setSettings(result.data);
    setNotice(done);
  }

  function rotate() {
    if (
      !window.confirm(
        "Rotate the secret? Every hash made with the current one stops working at once: update your server first.",
      )
    )
      return;
    void run(
      () => api.settings.rotateIdentitySecret(slug),
      "A new secret is in place; hashes made with the old one no longer work.",
    );
  }

  return (
    <Card title="Identity verification">
      <p className="text-sm text-stone-700">
        Your website&apos;s write key is public, so it cannot prove who is asking. Your server signs each signed-in
        user&apos;s id with this secret: <code className="font-mono text-xs">HMAC-SHA256(secret, userId)</code> as hex.
        Your app sends it as the <code className="font-mono text-xs">X-Cairn-User-Hash</code> header to the in-app inbox
        (always required: missing is 401, wrong is 403) and as{" "}
        <code className="font-mono text-xs">context.userHash</code> in identify and alias calls. Keep the secret on your
        server.
      </p>
      <div className="mt-4 flex items-center gap-2">
        <label htmlFor="identity-secret" className="text-sm font-medium text-stone-800">
          Secret
        </label>
        <input
          id="identity-secret"
          readOnly
          data-testid="identity-secret"
          value={shown ? settings.secret : "•".repeat(24)}
          className="min-w-0 flex-1 rounded-md border border-stone-300 bg-stone-50 px-3 py-1.5 font-mono text-xs text-stone-800"
        />
        <Button variant="secondary" onClick={() => setShown((s) => !s)}>
          {shown ? <EyeOff className="h-4 w-4" aria-hidden="true" /> : <Eye className="h-4 w-4" aria-hidden="true" />}
          {shown ? "Hide" : "Reveal"}
        </Button>
        <Button variant="danger" onClick={rotate} disabled={pending}>
          <RefreshCw className="h-4 w-4" aria-hidden="true" />
          Rotate
        </Button>
      </div>
      <label className="mt-4 flex items-start gap-2 text-sm text-stone-800">
        <input
          type="checkbox"
          className="mt-0.5"
          checked={settings.requireVerifiedIdentify}
          disabled={pending}
          onChange={(e) =>
            void run(
              () => api.settings.updateIdentityVerification(slug, { requireVerifiedIdentify: e.target.checked }),
              e.target.checked
                ? "Browsers' identify calls now need context.userHash."
                : "Browsers' identify calls no longer need context.userHash.",
            )
          }
        />
        <span>
          Require verified identify calls from browsers
          <span className="block text-xs text-stone-500">
            Identify and alias calls with a userId sent from a web page (with an Origin header) are refused without a
            matching <code className="font-mono">context.userHash</code>, so nobody can change someone else&apos;s email
            or traits with your write key. Calls from your servers are not affected.
          </span>
        </span>
      </label>
      <div className="mt-3" aria-live="polite">
        <FormAlert message={error} />
        {notice && <p className="text-sm text-brand-800">{notice}</p>}
      </div>
      <div className="mt-4">
        <CodeBlock code={snippet} label="Computing the user hash in Node.js" />
      </div>
    </Card>
  );
}
