"use client";

import { Check, Copy } from "lucide-react";
import { useState } from "react";

/** A read-only value with a copy button (API key secrets, invitation links). */
export function CopyField({ label, value, testId }: { label: string; value: string; testId?: string }) {
  const [copied, setCopied] = useState(false);
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      // Clipboard access can be refused (insecure origin); the value stays selectable.
    }
  }
  return (
    <div className="flex items-stretch overflow-hidden rounded-md ring-1 ring-stone-300">
      <input
        aria-label={label}
        readOnly
        value={value}
        data-testid={testId}
        onFocus={(e) => e.currentTarget.select()}
        className="min-w-0 flex-1 bg-stone-50 px-3 py-2 font-mono text-xs text-stone-800 outline-none"
      />
      <button
        type="button"
        onClick={copy}
        className="flex items-center gap-1.5 border-l border-stone-300 bg-white px-3 text-sm text-stone-700 hover:bg-stone-50 disabled:cursor-not-allowed disabled:bg-stone-100 disabled:opacity-60"
      >
        {copied ? (
          <Check className="h-4 w-4 text-brand-600" aria-hidden="true" />
        ) : (
          <Copy className="h-4 w-4" aria-hidden="true" />
        )}
        {copied ? "Copied" : "Copy"}
      </button>
    </div>
  );
}
