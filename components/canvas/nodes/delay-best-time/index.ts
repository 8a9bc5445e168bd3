import { Sparkles } from "lucide-react";
import { WITHIN_WORDS } from "../../fields/send-time-field";
import type { NodeModule } from "../types";
import { BestTimeDelayForm } from "./form";

export const bestTimeDelay: NodeModule<"delay.best_time"> = {
  type: "delay.best_time",
  title: "Best time",
  icon: Sparkles,
  family: "delay",
  group: "Flow",
  hint: "Wait until the person's best time to engage",
  defaults: () => ({ within: "24h" }),
  summarize: (config) => `Their best time within ${WITHIN_WORDS[String(config.within)] ?? "—"}`,
  Form: BestTimeDelayForm,
};
