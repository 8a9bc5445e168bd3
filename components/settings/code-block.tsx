"use client";

import { Check, Copy } from "lucide-react";
import { useState } from "react";

/** A multi-line snippet (a curl command, a code sample) with a copy button. */
export function CodeBlock({ code, label, testId }: { code: string; label: string; testId?: string }) {
  const [copied, setCopied] = useState(false);
  async function copy() {
    try {
      await navigator.clipboard.writeText(code);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      // Clipboard access can be refused (insecure origin); the text stays selectable.
    }
  }
  return (
    <div className="relative">
      <pre
        role="region"
        aria-label={label}
        data-testid={testId}
        tabIndex={0}
        className="overflow-x-auto rounded-lg bg-stone-900 px-4 py-3.5 pr-24 font-mono text-xs leading-relaxed text-stone-100"
      >
        <code>{code}</code>
      </pre>
      <button
        type="button"
        onClick={copy}
        className="absolute top-2.5 right-2.5 inline-flex items-center gap-1.5 rounded-md bg-stone-700/80 px-2.5 py-1.5 text-xs font-medium text-stone-100 hover:bg-stone-600"
      >
        {copied ? (
          <Check className="h-3.5 w-3.5" aria-hidden="true" />
        ) : (
          <Copy className="h-3.5 w-3.5" aria-hidden="true" />
        )}
        {copied ? "Copied" : "Copy"}
        <span className="sr-only"> {label}</span>
      </button>
      <span className="sr-only" aria-live="polite">
        {copied ? `${label} copied` : ""}
      </span>
    </div>
  );
}
