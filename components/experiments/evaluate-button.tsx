"use client";

import { RefreshCw } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { api } from "../api/client";
import { Button } from "../ui/button";

/** Runs the 15-minute evaluation for this split now (editors), then shows the fresh result. */
export function EvaluateButton({ slug, journeyId, nodeId }: { slug: string; journeyId: string; nodeId: string }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function evaluate() {
    setPending(true);
    setError(null);
    const result = await api.experiments.evaluate(slug, journeyId, nodeId);
    setPending(false);
    if (!result.ok) setError(result.error.message);
    else router.refresh();
  }
  return (
    <div className="flex flex-col items-end gap-1">
      <Button variant="secondary" onClick={evaluate} disabled={pending}>
        <RefreshCw className={`h-4 w-4 ${pending ? "animate-spin" : ""}`} aria-hidden="true" />
        {pending ? "Evaluating…" : "Evaluate now"}
      </Button>
      {error ? (
        <p role="alert" className="max-w-xs text-right text-xs text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}
