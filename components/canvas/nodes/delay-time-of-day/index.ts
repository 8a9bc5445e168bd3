import { Clock } from "lucide-react";
import type { NodeModule } from "../types";
import { TimeOfDayDelayForm } from "./form";

export const timeOfDayDelay: NodeModule<"delay.time_of_day"> = {
  type: "delay.time_of_day",
  title: "Time of day",
  icon: Clock,
  family: "delay",
  group: "Flow",
  hint: "Wait until a local time",
  defaults: () => ({ time: "09:00", fallbackTimezone: "UTC" }),
  summarize: (config) => `Until ${String(config.time || "—")} local time`,
  Form: TimeOfDayDelayForm,
};
