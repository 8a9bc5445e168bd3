import { CalendarDays } from "lucide-react";
import type { NodeModule } from "../types";
import { DateTraitDelayForm } from "./form";

export const dateTraitDelay: NodeModule<"delay.until_date_trait"> = {
  type: "delay.until_date_trait",
  title: "Until a date",
  icon: CalendarDays,
  family: "delay",
  group: "Flow",
  hint: "Wait for a date trait",
  defaults: () => ({ trait: "" }),
  summarize: (config) => (config.trait ? `Until the date in ${String(config.trait)}` : "Choose a date trait"),
  Form: DateTraitDelayForm,
};
