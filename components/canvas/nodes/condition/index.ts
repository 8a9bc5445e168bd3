import { GitBranch } from "lucide-react";
import { plural } from "../summary-text";
import type { NodeModule } from "../types";
import { ConditionForm } from "./form";

export const condition: NodeModule<"condition"> = {
  type: "condition",
  title: "Condition",
  icon: GitBranch,
  family: "logic",
  group: "Flow",
  hint: "Yes / no",
  defaults: () => ({ rules: { match: "all", rules: [{ kind: "trait", trait: "", operator: "equals", value: "" }] } }),
  summarize: (config) => {
    const rules = config.rules ?? {};
    return `${rules.match === "any" ? "Any" : "All"} of ${plural(rules.rules?.length ?? 0, "rules")}`;
  },
  Form: ConditionForm,
};
