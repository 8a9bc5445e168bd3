import { Users } from "lucide-react";
import { segmentName } from "../summary-text";
import type { NodeModule } from "../types";
import { SegmentTriggerForm } from "./form";

export const segmentTrigger: NodeModule<"trigger.segment"> = {
  type: "trigger.segment",
  title: "Segment entry",
  icon: Users,
  family: "trigger",
  group: "Triggers",
  hint: "When someone enters a segment",
  defaults: () => ({ segmentId: "" }),
  summarize: (config, names) =>
    config.segmentId ? `Segment ${segmentName(config.segmentId, names)}` : "Choose a segment",
  Form: SegmentTriggerForm,
};
