import { Zap } from "lucide-react";
import { plural, quoted } from "../summary-text";
import type { NodeModule } from "../types";
import { EventTriggerForm } from "./form";

export const eventTrigger: NodeModule<"trigger.event"> = {
  type: "trigger.event",
  title: "Event trigger",
  icon: Zap,
  family: "trigger",
  group: "Triggers",
  hint: "When someone does something",
  defaults: () => ({ eventName: "", filters: [] }),
  summarize: (config) => {
    const filters = config.filters?.length ?? 0;
    return quoted(config.eventName)
      ? `On ${quoted(config.eventName)}${filters ? ` · ${plural(filters, "filters")}` : ""}`
      : "Choose an event";
  },
  Form: EventTriggerForm,
};
