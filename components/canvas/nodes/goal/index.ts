import { Trophy } from "lucide-react";
import { quoted } from "../summary-text";
import type { NodeModule } from "../types";
import { GoalForm } from "./form";

export const goal: NodeModule<"goal"> = {
  type: "goal",
  title: "Goal",
  icon: Trophy,
  family: "finish",
  group: "Finish",
  hint: "Count a conversion and end",
  defaults: () => ({ eventName: "" }),
  summarize: (config) =>
    quoted(config.eventName) ? `Converts on ${quoted(config.eventName)}` : "Choose the goal event",
  Form: GoalForm,
};
