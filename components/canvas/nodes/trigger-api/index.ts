import { Code } from "lucide-react";
import type { NodeModule } from "../types";
import { ApiTriggerForm } from "./form";

export const apiTrigger: NodeModule<"trigger.api"> = {
  type: "trigger.api",
  title: "API call",
  icon: Code,
  family: "trigger",
  group: "Triggers",
  hint: "Enrolled by your backend",
  defaults: () => ({}),
  summarize: () => "POST /api/v1/journeys/…/enroll",
  Form: ApiTriggerForm,
};
