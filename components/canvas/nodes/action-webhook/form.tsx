"use client";

import { useId } from "react";
import { SelectField, TextField } from "../../../ui/field";
import { fromRows, KeyValueRows, toRows } from "../../fields/key-value-rows";
import { FieldError } from "../../fields/section";
import { TemplatePicker } from "../../fields/template-picker";
import type { NodeFormProps } from "../types";

const METHODS = ["POST", "PUT", "PATCH", "GET", "DELETE"] as const;
const isMethod = (text: string) => METHODS.find((m) => m === text);

export function WebhookForm({ config, patch, replace, err }: NodeFormProps<"action.webhook">) {
  return (
    <>
      <TextField
        label="URL"
        type="url"
        placeholder="https://example.com/hooks/cairn"
        value={String(config.url ?? "")}
        onChange={(e) => patch({ url: e.target.value })}
        error={err("config.url")}
      />
      <SelectField
        label="Method"
        value={String(config.method ?? "POST")}
        onChange={(e) => patch({ method: isMethod(e.target.value) })}
        error={err("config.method")}
      >
        {METHODS.map((m) => (
          <option key={m}>{m}</option>
        ))}
      </SelectField>
      <KeyValueRows
        label="Headers"
        keyLabel="Header"
        valueLabel="Value"
        rows={toRows(config.headers)}
        onChange={(rows) => patch({ headers: fromRows(rows) })}
        err={err}
        path="config.headers"
      />
      <WebhookBodySource
        usesTemplate={config.templateId !== undefined}
        // the body and a template are exclusive (the graph refuses both): switching drops the other
        onChoose={(template) => {
          const rest = { ...config };
          delete rest.body;
          delete rest.templateId;
          replace(template ? { ...rest, templateId: "" } : rest);
        }}
      />
      {config.templateId !== undefined ? (
        <TemplatePicker
          channel="webhook"
          channelName="webhook"
          value={config.templateId}
          onChange={(id) => patch({ templateId: id })}
          error={err("config.templateId")}
        />
      ) : (
        <div className="space-y-1.5">
          <label htmlFor="webhook-body" className="sr-only">
            Body
          </label>
          <textarea
            id="webhook-body"
            rows={4}
            className="block w-full rounded-md border-0 bg-white px-3 py-2 font-mono text-xs text-stone-900 shadow-sm ring-1 ring-stone-300 outline-none ring-inset focus:ring-2 focus:ring-brand-600"
            value={String(config.body ?? "")}
            onChange={(e) => patch({ body: e.target.value || undefined })}
          />
          <FieldError message={err("config.body")} />
        </div>
      )}
    </>
  );
}

/** A webhook step's body: written here (Liquid), or a saved webhook template's (with its content type and headers). */
function WebhookBodySource({
  usesTemplate,
  onChoose,
}: {
  usesTemplate: boolean;
  onChoose: (template: boolean) => void;
}) {
  const name = useId();
  return (
    <fieldset className="space-y-1.5">
      <legend className="text-sm font-medium text-stone-800">Request body</legend>
      {[
        { template: false, label: "Write the body here" },
        { template: true, label: "Use a saved template" },
      ].map((choice) => (
        <label key={choice.label} className="flex items-center gap-2 text-sm text-stone-700">
          <input
            type="radio"
            name={name}
            checked={usesTemplate === choice.template}
            onChange={() => onChoose(choice.template)}
            className="h-4 w-4 border-stone-300 text-brand-600"
          />
          {choice.label}
        </label>
      ))}
    </fieldset>
  );
}
