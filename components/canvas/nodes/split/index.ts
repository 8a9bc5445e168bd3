import { Split } from "lucide-react";
import { plural } from "../summary-text";
import type { NodeModule } from "../types";
import { SplitForm } from "./form";

export const split: NodeModule<"split"> = {
  type: "split",
  title: "A/B split",
  icon: Split,
  family: "logic",
  group: "Flow",
  hint: "Random split by weight",
  defaults: () => ({
    arms: [
      { id: "a", label: "A", weight: 50 },
      { id: "b", label: "B", weight: 50 },
    ],
  }),
  summarize: (config) => {
    const holdout = config.holdout?.weight;
    return `${plural(config.arms?.length ?? 0, "arms")}${holdout ? ` · ${holdout}% held out` : ""}`;
  },
  Form: SplitForm,
  exitLabels: (config) =>
    new Map((config.arms ?? []).map((a) => [String(a.id), `${a.label || a.id}${a.weight ? ` · ${a.weight}%` : ""}`])),
};
