import { Timer } from "lucide-react";
import { duration, quoted } from "../summary-text";
import type { NodeModule } from "../types";
import { WaitForEventForm } from "./form";

export const waitForEvent: NodeModule<"wait_for_event"> = {
  type: "wait_for_event",
  title: "Wait for event",
  icon: Timer,
  family: "wait",
  group: "Flow",
  hint: "Until they do it, or time runs out",
  defaults: () => ({ eventName: "", timeout: { amount: 1, unit: "days" } }),
  summarize: (config) =>
    quoted(config.eventName) ? `${quoted(config.eventName)} within ${duration(config.timeout)}` : "Choose an event",
  Form: WaitForEventForm,
};
