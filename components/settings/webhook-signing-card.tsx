"use client";

import { Eye, EyeOff } from "lucide-react";
import { useState } from "react";
import { Card } from "@/components/ui/card";
import { CodeBlock } from "./code-block";

/** The secret journey webhooks are signed with, hidden until asked for, and how to check a signature. */
export function WebhookSigningCard({ secret, snippet }: { secret: string; snippet: string }) {
  const [shown, setShown] = useState(false);
  return (
    <Card title="Journey webhooks">
      <p className="text-sm text-stone-700">
        Webhook steps sign every call with this workspace&apos;s secret: the{" "}
        <code className="font-mono text-xs">X-Cairn-Signature</code> header is{" "}
        <code className="font-mono text-xs">t=&lt;unix seconds&gt;,v1=&lt;HMAC-SHA256 of &quot;t.body&quot;&gt;</code>,
        and <code className="font-mono text-xs">Idempotency-Key</code> is the same on every retry of a call.
      </p>
      <div className="mt-4 flex items-center gap-2">
        <label htmlFor="webhook-secret" className="text-sm font-medium text-stone-800">
          Signing secret
        </label>
        <input
          id="webhook-secret"
          readOnly
          data-testid="webhook-signing-secret"
          value={shown ? secret : "•".repeat(24)}
          className="min-w-0 flex-1 rounded-md border border-stone-300 bg-stone-50 px-3 py-1.5 font-mono text-xs text-stone-800"
        />
        <button
          type="button"
          onClick={() => setShown((s) => !s)}
          className="inline-flex items-center gap-1.5 rounded-md px-2.5 py-1.5 text-sm font-medium text-stone-700 ring-1 ring-stone-300 hover:bg-stone-50"
        >
          {shown ? <EyeOff className="h-4 w-4" aria-hidden="true" /> : <Eye className="h-4 w-4" aria-hidden="true" />}
          {shown ? "Hide" : "Reveal"}
        </button>
      </div>
      <div className="mt-4">
        <CodeBlock code={snippet} label="Checking a signature in Node.js" />
      </div>
    </Card>
  );
}
