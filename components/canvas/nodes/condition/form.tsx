"use client";

import { RuleGroupEditor } from "../../fields/rules";
import type { NodeFormProps } from "../types";

export function ConditionForm({ config, patch, err }: NodeFormProps<"condition">) {
  return <RuleGroupEditor value={config.rules} onChange={(v) => patch({ rules: v })} err={err} path="config.rules" />;
}
