"use client";

import { Plus, Trash2 } from "lucide-react";
import { Button } from "../../../ui/button";
import { EventNameField } from "../../event-fields";
import { ComparisonFields } from "../../fields/comparison";
import { Section } from "../../fields/section";
import type { NodeFormProps } from "../types";

export function EventTriggerForm({ config, patch, err }: NodeFormProps<"trigger.event">) {
  const filters = config.filters ?? [];
  const setFilter = (i: number, filter: (typeof filters)[number]) =>
    patch({ filters: filters.map((f, j) => (j === i ? filter : f)) });
  return (
    <>
      <EventNameField
        label="Event name"
        placeholder="e.g. Signed Up"
        value={String(config.eventName ?? "")}
        onChange={(v) => patch({ eventName: v })}
        error={err("config.eventName")}
        hint="The event that enrolls someone, as your app sends it."
      />
      <Section title="Only when" hint={filters.length ? undefined : "Optional: filter on the event's properties."}>
        {filters.map((f, i) => (
          <div key={i} className="space-y-2 rounded-md bg-white p-2.5 ring-1 ring-stone-200">
            <ComparisonFields
              subject="property"
              subjectLabel={`Property (filter ${i + 1})`}
              subjectValue={f.property}
              onSubject={(v) => setFilter(i, { ...f, property: v })}
              comparison={f}
              onComparison={(c) => setFilter(i, { ...f, ...c })}
              err={err}
              path={`config.filters.${i}`}
              eventName={String(config.eventName ?? "")}
            />
            <Button
              variant="ghost"
              className="px-2 py-1 text-xs"
              onClick={() => patch({ filters: filters.filter((_, j) => j !== i) })}
            >
              <Trash2 className="h-3.5 w-3.5" aria-hidden="true" />
              Remove filter
            </Button>
          </div>
        ))}
        <Button
          variant="secondary"
          className="w-full py-1.5 text-xs"
          onClick={() => patch({ filters: [...filters, { property: "", operator: "equals", value: "" }] })}
        >
          <Plus className="h-3.5 w-3.5" aria-hidden="true" />
          Add filter
        </Button>
      </Section>
    </>
  );
}
