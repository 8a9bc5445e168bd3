import { GitFork } from "lucide-react";
import { plural } from "../summary-text";
import type { NodeModule } from "../types";
import { BranchForm } from "./form";

export const branch: NodeModule<"branch"> = {
  type: "branch",
  title: "Branch",
  icon: GitFork,
  family: "logic",
  group: "Flow",
  hint: "First matching path wins",
  defaults: () => ({
    branches: [
      {
        id: "b1",
        label: "Path 1",
        rules: { match: "all", rules: [{ kind: "trait", trait: "", operator: "equals", value: "" }] },
      },
    ],
  }),
  summarize: (config) => `${plural(config.branches?.length ?? 0, "paths")} + else`,
  Form: BranchForm,
  exitLabels: (config) => new Map((config.branches ?? []).map((b) => [String(b.id), b.label || String(b.id)])),
};
