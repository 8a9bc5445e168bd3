"use client";

import { OPERATORS, type Operator } from "@/lib/journeys/graph";
import { OPERATOR_LABELS } from "../../segments/model"; // the same words as the segment builder
import { SelectField, TextField } from "../../ui/field";
import { PropertyNameField } from "../event-fields";
import type { FieldErrors } from "../nodes/types";

/** A comparison, as rules and event filters make it: what is compared, the operator and the value. */
type JsonValue = string | number | boolean | null;
export interface ComparisonDraft {
  operator?: Operator;
  value?: JsonValue | JsonValue[];
}

const isOperator = (text: string): text is Operator => OPERATORS.some((o) => o === text);

/** The text of a comparison value, and back, typed by the operator. */
function valueText(value: unknown): string {
  if (value === undefined || value === null) return "";
  return Array.isArray(value) ? value.join(", ") : String(value);
}
function parseValue(operator: Operator, text: string): string | number | string[] | undefined {
  if (operator === "exists" || operator === "not_exists") return undefined;
  if (["gt", "gte", "lt", "lte"].includes(operator))
    return text.trim() === "" || Number.isNaN(Number(text)) ? text : Number(text);
  if (operator === "in" || operator === "not_in") {
    return text
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  }
  return text;
}

/** What is compared (a trait, or an event's property from the catalog), the operator and the value. */
export function ComparisonFields({
  subject,
  subjectLabel,
  subjectValue,
  onSubject,
  comparison,
  onComparison,
  err,
  path,
  eventName,
}: {
  subject: "trait" | "property";
  subjectLabel: string;
  subjectValue: string | undefined;
  onSubject: (value: string) => void;
  comparison: ComparisonDraft;
  onComparison: (comparison: ComparisonDraft) => void;
  err: FieldErrors;
  path: string;
  eventName?: string;
}) {
  const operator = comparison.operator ?? "equals";
  const needsValue = operator !== "exists" && operator !== "not_exists";
  return (
    <>
      {subject === "property" ? (
        // An event's property: the keys the catalog has seen on that event.
        <PropertyNameField
          label={subjectLabel}
          eventName={eventName}
          value={String(subjectValue ?? "")}
          onChange={onSubject}
          error={err(`${path}.${subject}`)}
        />
      ) : (
        <TextField
          label={subjectLabel}
          value={String(subjectValue ?? "")}
          onChange={(e) => onSubject(e.target.value)}
          error={err(`${path}.${subject}`)}
        />
      )}
      <SelectField
        label="Operator"
        value={operator}
        onChange={(e) => {
          const op = isOperator(e.target.value) ? e.target.value : "equals";
          onComparison({ operator: op, value: parseValue(op, valueText(comparison.value)) });
        }}
        error={err(`${path}.operator`)}
      >
        {OPERATORS.map((o) => (
          <option key={o} value={o}>
            {OPERATOR_LABELS[o]}
          </option>
        ))}
      </SelectField>
      {needsValue ? (
        <TextField
          label="Value"
          value={valueText(comparison.value)}
          hint={operator === "in" || operator === "not_in" ? "Separate values with commas." : undefined}
          onChange={(e) => onComparison({ operator: comparison.operator, value: parseValue(operator, e.target.value) })}
          error={err(`${path}.value`)}
        />
      ) : null}
    </>
  );
}
