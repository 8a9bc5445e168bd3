"use client";

import { SelectField, TextField } from "@/components/ui/field";
import { HORIZON_DAYS } from "@/lib/predictions/types";

export type AudienceSegment = { id: string; name: string; memberCount: number };

/**
 * The fields a prediction is created with and changed by: the horizon, the audience and the retraining period. One
 * component for the create form and the settings card, so they name and check the fields alike (the API's 422 for
 * `horizonDays`, `audienceSegmentId` and `retrainEveryDays` shows beside each).
 */
export function QuestionFields({
  horizon,
  setHorizon,
  audience,
  setAudience,
  retrain,
  setRetrain,
  segments,
  errors,
}: {
  horizon: string;
  setHorizon: (value: string) => void;
  audience: string;
  setAudience: (value: string) => void;
  retrain: string;
  setRetrain: (value: string) => void;
  segments: AudienceSegment[];
  errors: Record<string, string | undefined>;
}) {
  return (
    <>
      <TextField
        label="Within the next (days)"
        type="number"
        inputMode="numeric"
        value={horizon}
        onChange={(e) => setHorizon(e.target.value)}
        error={errors.horizonDays}
        hint={`${HORIZON_DAYS.min}–${HORIZON_DAYS.max} days`}
      />
      <SelectField
        label="Audience"
        value={audience}
        onChange={(e) => setAudience(e.target.value)}
        error={errors.audienceSegmentId}
        hint="Only these people are scored."
      >
        <option value="">Everyone</option>
        {segments.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name} ({s.memberCount.toLocaleString("en-US")})
          </option>
        ))}
      </SelectField>
      <TextField
        label="Retrain every (days)"
        type="number"
        inputMode="numeric"
        value={retrain}
        onChange={(e) => setRetrain(e.target.value)}
        error={errors.retrainEveryDays}
      />
    </>
  );
}
