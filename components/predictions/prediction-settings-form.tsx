"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { FormAlert, TextField } from "@/components/ui/field";
import { useApiForm } from "@/components/ui/use-api-form";
import { predictionsClient } from "./api";
import { QuestionFields } from "./question-fields";

/**
 * A prediction's settings on its page (editors): name, horizon, audience and retraining period. A new horizon or
 * audience asks a different question, so the API queues a retraining; the live model serves until then.
 */
export function PredictionSettingsForm({
  slug,
  prediction,
  segments,
}: {
  slug: string;
  prediction: {
    id: string;
    name: string;
    horizonDays: number;
    retrainEveryDays: number;
    audienceSegmentId: string | null;
  };
  segments: { id: string; name: string; memberCount: number }[];
}) {
  const router = useRouter();
  const form = useApiForm();
  const [name, setName] = useState(prediction.name);
  const [horizon, setHorizon] = useState(String(prediction.horizonDays));
  const [retrain, setRetrain] = useState(String(prediction.retrainEveryDays));
  const [audience, setAudience] = useState(prediction.audienceSegmentId ?? "");
  const [saved, setSaved] = useState(false);
  const errors = form.fieldErrors;
  const number = (text: string) => (text.trim() === "" ? Number.NaN : Number(text));

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setSaved(false);
    const updated = await form.submit(
      predictionsClient.update(slug, prediction.id, {
        name,
        horizonDays: number(horizon),
        retrainEveryDays: number(retrain),
        audienceSegmentId: audience || null,
      }),
    );
    if (updated) {
      setSaved(true);
      router.refresh();
    }
  }

  return (
    <form method="post" onSubmit={submit} className="space-y-4" aria-label="Prediction settings">
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} error={errors.name} />
        <QuestionFields
          horizon={horizon}
          setHorizon={setHorizon}
          audience={audience}
          setAudience={setAudience}
          retrain={retrain}
          setRetrain={setRetrain}
          segments={segments}
          errors={errors}
        />
      </div>
      <FormAlert message={form.formError} />
      <div className="flex items-center gap-3">
        <Button type="submit" variant="secondary" disabled={form.pending}>
          {form.pending ? "Saving…" : "Save"}
        </Button>
        {saved ? (
          <p role="status" className="text-sm text-stone-600">
            Saved.
          </p>
        ) : null}
      </div>
    </form>
  );
}
