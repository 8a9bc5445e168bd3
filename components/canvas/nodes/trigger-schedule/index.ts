import { CalendarClock } from "lucide-react";
import { toWallTime } from "@/lib/engine/schedule";
import { duration, segmentName } from "../summary-text";
import type { NodeModule } from "../types";
import { ScheduleTriggerForm } from "./form";

export const scheduleTrigger: NodeModule<"trigger.schedule"> = {
  type: "trigger.schedule",
  title: "Schedule",
  icon: CalendarClock,
  family: "trigger",
  group: "Triggers",
  hint: "A segment, at a set time",
  defaults: () => ({ schedule: { kind: "once", at: "" }, timezone: "UTC", segmentId: "" }),
  summarize: (config, names) => {
    const s = config.schedule ?? {};
    const wall = (iso: unknown) => toWallTime(iso, String(config.timezone ?? "")).replace("T", " ");
    const at = "at" in s ? s.at : undefined;
    const when =
      s.kind === "recurring"
        ? `Every ${duration(s.every)}${wall(s.startAt) ? ` from ${wall(s.startAt)}` : ""}`
        : wall(at)
          ? `On ${wall(at)}`
          : "Choose a time";
    return `${when} · ${config.segmentId ? `segment ${segmentName(config.segmentId, names)}` : "choose a segment"}`;
  },
  Form: ScheduleTriggerForm,
};
