import { Hourglass } from "lucide-react";
import { duration } from "../summary-text";
import type { NodeModule } from "../types";
import { DurationDelayForm } from "./form";

export const durationDelay: NodeModule<"delay.duration"> = {
  type: "delay.duration",
  title: "Delay",
  icon: Hourglass,
  family: "delay",
  group: "Flow",
  hint: "Wait a fixed time",
  defaults: () => ({ duration: { amount: 1, unit: "days" } }),
  summarize: (config) => `Wait ${duration(config.duration)}`,
  Form: DurationDelayForm,
};
