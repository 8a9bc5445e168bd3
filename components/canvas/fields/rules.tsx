"use client";

import { Plus, Trash2 } from "lucide-react";
import type { z } from "zod";
import type { ZRule, ZRuleGroup } from "@/lib/journeys/graph";
import { Button } from "../../ui/button";
import { SelectField, TextField } from "../../ui/field";
import { EventNameField, useTriggerEventName } from "../event-fields";
import type { Draft, FieldErrors } from "../nodes/types";
import { ComparisonFields } from "./comparison";
import { FieldError } from "./section";
import { PredictionPicker, PredictionTestFields, type PredictionTestDraft } from "./prediction-picker";
import { SegmentPicker } from "./segment-picker";

/** Conditions and branches: a group of rules about a person. */

export type RuleDraft = Draft<z.input<typeof ZRule>>;
export type RuleGroupDraft = Draft<z.input<typeof ZRuleGroup>>;
const RULE_KINDS = [
  { kind: "trait", label: "Profile trait" },
  { kind: "event_property", label: "Trigger event property" },
  { kind: "performed", label: "Did an event" },
  { kind: "segment", label: "Segment membership" },
  { kind: "prediction", label: "Prediction score" },
] as const;
type RuleKind = (typeof RULE_KINDS)[number]["kind"];

export function newRule(kind: RuleKind): RuleDraft {
  if (kind === "trait") return { kind, trait: "", operator: "equals", value: "" };
  if (kind === "event_property") return { kind, property: "", operator: "equals", value: "" };
  if (kind === "performed") return { kind, eventName: "", performed: true, withinDays: 7 };
  if (kind === "prediction") return { kind, predictionId: "", test: { kind: "tier", tiers: ["high"] } };
  return { kind, segmentId: "", member: true };
}

function RuleFields({
  rule,
  onChange,
  err,
  path,
  triggerEvent,
}: {
  rule: RuleDraft;
  onChange: (rule: RuleDraft) => void;
  err: FieldErrors;
  path: string;
  triggerEvent: string | undefined;
}) {
  switch (rule.kind) {
    case "trait":
      return (
        <ComparisonFields
          subject="trait"
          subjectLabel="Trait"
          subjectValue={rule.trait}
          onSubject={(v) => onChange({ ...rule, trait: v })}
          comparison={rule}
          onComparison={(c) => onChange({ ...rule, ...c })}
          err={err}
          path={path}
        />
      );
    case "event_property":
      return (
        <ComparisonFields
          subject="property"
          subjectLabel="Property"
          subjectValue={rule.property}
          onSubject={(v) => onChange({ ...rule, property: v })}
          comparison={rule}
          onComparison={(c) => onChange({ ...rule, ...c })}
          err={err}
          path={path}
          eventName={triggerEvent}
        />
      );
    case "performed":
      return (
        <>
          <EventNameField
            label="Event name"
            value={String(rule.eventName ?? "")}
            onChange={(v) => onChange({ ...rule, eventName: v })}
            error={err(`${path}.eventName`)}
          />
          <div className="grid grid-cols-2 gap-2">
            <SelectField
              label="Has"
              value={rule.performed === false ? "no" : "yes"}
              onChange={(e) => onChange({ ...rule, performed: e.target.value === "yes" })}
            >
              <option value="yes">done it</option>
              <option value="no">not done it</option>
            </SelectField>
            <TextField
              label="Within days"
              type="number"
              min={1}
              value={rule.withinDays === undefined ? "" : String(rule.withinDays)}
              onChange={(e) =>
                onChange({ ...rule, withinDays: e.target.value === "" ? undefined : Number(e.target.value) })
              }
              error={err(`${path}.withinDays`)}
            />
          </div>
        </>
      );
    case "segment":
      return (
        <>
          <SelectField
            label="Membership"
            value={rule.member === false ? "out" : "in"}
            onChange={(e) => onChange({ ...rule, member: e.target.value === "in" })}
            error={err(`${path}.member`)}
          >
            <option value="in">is in the segment</option>
            <option value="out">is not in the segment</option>
          </SelectField>
          <SegmentPicker
            value={rule.segmentId}
            onChange={(id) => onChange({ ...rule, segmentId: id })}
            error={err(`${path}.segmentId`)}
          />
        </>
      );
    case "prediction":
      return (
        <>
          <PredictionPicker
            value={rule.predictionId}
            onChange={(id) => onChange({ ...rule, predictionId: id })}
            error={err(`${path}.predictionId`)}
          />
          <PredictionTestFields
            value={rule.test as PredictionTestDraft | undefined}
            onChange={(test) => onChange({ ...rule, test } as RuleDraft)}
            err={err}
            path={`${path}.test`}
          />
        </>
      );
    default:
      return null;
  }
}

export function RuleGroupEditor({
  value,
  onChange,
  err,
  path,
}: {
  value: RuleGroupDraft | undefined;
  onChange: (v: RuleGroupDraft) => void;
  err: FieldErrors;
  path: string;
}) {
  const group = value ?? {};
  const rules = group.rules ?? [];
  const setRule = (i: number, rule: RuleDraft) =>
    onChange({ ...group, rules: rules.map((r, j) => (j === i ? rule : r)) });
  const triggerEvent = useTriggerEventName();
  return (
    <div className="space-y-3">
      <SelectField
        label="Match"
        value={group.match ?? "all"}
        onChange={(e) => onChange({ ...group, match: e.target.value === "any" ? "any" : "all" })}
      >
        <option value="all">All rules are true</option>
        <option value="any">Any rule is true</option>
      </SelectField>
      <FieldError message={err(`${path}.rules`)} />
      {rules.map((rule, i) => (
        <div key={i} className="space-y-2 rounded-md bg-white p-2.5 ring-1 ring-stone-200">
          <div className="flex items-end gap-2">
            <div className="flex-1">
              <SelectField
                label={`Rule ${i + 1}`}
                value={String(rule.kind)}
                onChange={(e) =>
                  setRule(i, newRule(RULE_KINDS.find((k) => k.kind === e.target.value)?.kind ?? "trait"))
                }
              >
                {RULE_KINDS.map((k) => (
                  <option key={k.kind} value={k.kind}>
                    {k.label}
                  </option>
                ))}
              </SelectField>
            </div>
            <Button
              variant="ghost"
              className="px-2"
              aria-label={`Remove rule ${i + 1}`}
              onClick={() => onChange({ ...group, rules: rules.filter((_, j) => j !== i) })}
            >
              <Trash2 className="h-4 w-4" aria-hidden="true" />
            </Button>
          </div>
          <RuleFields
            rule={rule}
            onChange={(r) => setRule(i, r)}
            err={err}
            path={`${path}.rules.${i}`}
            triggerEvent={triggerEvent}
          />
        </div>
      ))}
      <Button
        variant="secondary"
        className="w-full py-1.5 text-xs"
        onClick={() => onChange({ ...group, rules: [...rules, newRule("trait")] })}
      >
        <Plus className="h-3.5 w-3.5" aria-hidden="true" />
        Add rule
      </Button>
    </div>
  );
}
