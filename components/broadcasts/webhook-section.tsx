"use client";

import { Plus, Trash2 } from "lucide-react";
import { WEBHOOK_METHODS } from "@/lib/broadcasts/schemas";
import { Button } from "../ui/button";
import { SelectField, TextField } from "../ui/field";
import { Section } from "./editor-sections";
import { canAddHeader, headerErrorsByRow, type WebhookForm, type WebhookMethod } from "./model";

/**
 * A webhook broadcast's request: where each person's message goes (URL, method) and the headers every request
 * carries (an API key, say); the body is the variant's webhook template. Says what does not apply to a webhook:
 * it is not a person's channel, so consent, quiet hours, frequency caps and suppressions are not checked.
 */
export function WebhookSection({
  value,
  onChange,
  errors,
  readOnly,
}: {
  value: WebhookForm;
  onChange: (change: (w: WebhookForm) => WebhookForm) => void;
  errors: Record<string, string>;
  readOnly: boolean;
}) {
  const rowErrors = headerErrorsByRow(value, errors);
  const setHeader = (index: number, change: Partial<WebhookForm["headers"][number]>) =>
    onChange((w) => ({ ...w, headers: w.headers.map((h, i) => (i === index ? { ...h, ...change } : h)) }));
  return (
    <Section
      title="Request"
      description="One request per person of the audience, to this URL, with the template's body. Signed with the workspace's webhook secret (X-Cairn-Signature) and an Idempotency-Key that is the message's id, so a retry is recognisable."
    >
      <p
        className="rounded-md bg-stone-50 px-3 py-2 text-sm text-stone-700 ring-1 ring-stone-200 ring-inset"
        data-testid="webhook-checks-note"
      >
        A webhook is not a person&apos;s channel: consent, quiet hours, frequency caps and suppressions don&apos;t
        apply. Everyone in the audience is sent, except the excluded segments and the holdout.
      </p>
      <div className="grid gap-4 sm:grid-cols-[8rem_1fr]">
        <WebhookTargetFields value={value} onChange={onChange} error={(path) => errors[path]} readOnly={readOnly} />
      </div>
      <div className="space-y-2" data-testid="webhook-headers">
        <h3 className="text-sm font-medium text-stone-800">Headers</h3>
        {value.headers.length === 0 ? (
          <p className="text-xs text-stone-500">
            None besides the template&apos;s. Add one for the receiver&apos;s API key, for example.
          </p>
        ) : null}
        {value.headers.map((h, i) => (
          // rows have no identity of their own: the index is what the errors are keyed by too
          <div key={i} className="grid items-start gap-2 sm:grid-cols-[12rem_1fr_auto]">
            <TextField
              label={`Header ${i + 1} name`}
              placeholder="X-Api-Key"
              value={h.name}
              onChange={(e) => setHeader(i, { name: e.target.value })}
              error={rowErrors[i]}
              readOnly={readOnly}
              maxLength={100}
            />
            <TextField
              label={`Header ${i + 1} value`}
              value={h.value}
              onChange={(e) => setHeader(i, { value: e.target.value })}
              readOnly={readOnly}
              maxLength={8000}
            />
            {readOnly ? null : (
              <Button
                variant="ghost"
                className="mt-6 px-2 py-1 text-xs"
                onClick={() => onChange((w) => ({ ...w, headers: w.headers.filter((_, j) => j !== i) }))}
              >
                <Trash2 className="h-3.5 w-3.5" aria-hidden="true" /> Remove header {i + 1}
              </Button>
            )}
          </div>
        ))}
        {errors["webhook.headers"] ? (
          <p role="alert" className="text-sm text-red-700">
            {errors["webhook.headers"]}
          </p>
        ) : null}
        {readOnly || !canAddHeader(value) ? null : (
          <Button
            variant="secondary"
            onClick={() => onChange((w) => ({ ...w, headers: [...w.headers, { name: "", value: "" }] }))}
          >
            <Plus className="h-4 w-4" aria-hidden="true" /> Add a header
          </Button>
        )}
      </div>
    </Section>
  );
}

/**
 * Method and URL of a webhook broadcast's request: in the editor's Request section and in the new-broadcast form
 * (which lays them in its own grid).
 */
export function WebhookTargetFields({
  value,
  onChange,
  error,
  readOnly = false,
  hint,
}: {
  value: Pick<WebhookForm, "method" | "url">;
  onChange: (change: (w: WebhookForm) => WebhookForm) => void;
  error: (path: string) => string | undefined;
  readOnly?: boolean;
  hint?: string;
}) {
  return (
    <>
      <SelectField
        label="Method"
        value={value.method}
        onChange={(e) => onChange((w) => ({ ...w, method: e.target.value as WebhookMethod }))}
        error={error("webhook.method")}
        disabled={readOnly}
      >
        {WEBHOOK_METHODS.map((m) => (
          <option key={m} value={m}>
            {m}
          </option>
        ))}
      </SelectField>
      <TextField
        label="URL"
        type="url"
        placeholder="https://crm.example.com/hooks/cairn"
        value={value.url}
        onChange={(e) => onChange((w) => ({ ...w, url: e.target.value }))}
        error={error("webhook.url") ?? error("webhook")}
        readOnly={readOnly}
        maxLength={2000}
        hint={hint}
      />
    </>
  );
}
