"use client";

import { useState, type FormEvent } from "react";
import { Button } from "./button";
import { Dialog } from "./dialog";
import { FormAlert, TextField } from "./field";
import type { ApiResult } from "../api/client";
import { useApiForm } from "./use-api-form";

/** Asks for a name and hands it to `save`: "New journey", and renaming a journey or a template. */
export function NameDialog<T>(props: {
  title: string;
  /** the field's label, e.g. "Journey name" */
  fieldLabel: string;
  description?: string;
  placeholder?: string;
  initialName?: string;
  submitLabel: string;
  pendingLabel: string;
  /** The API call that stores the name, e.g. `(name) => api.journeys.create(slug, { name })`. */
  save: (name: string) => Promise<ApiResult<T>>;
  onDone: (result: T) => void;
  onClose: () => void;
}) {
  const [name, setName] = useState(props.initialName ?? "");
  const { pending, formError, fieldErrors, submit } = useApiForm();
  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const result = await submit(props.save(name));
    if (result) props.onDone(result);
  }
  return (
    <Dialog title={props.title} description={props.description} onClose={props.onClose}>
      <form method="post" onSubmit={onSubmit} className="space-y-4" noValidate>
        <FormAlert message={formError} />
        <TextField
          label={props.fieldLabel}
          placeholder={props.placeholder}
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={fieldErrors.name}
          autoFocus
          maxLength={120}
        />
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={props.onClose}>
            Cancel
          </Button>
          <Button type="submit" disabled={pending}>
            {pending ? props.pendingLabel : props.submitLabel}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
