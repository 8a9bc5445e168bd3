import { Bell } from "lucide-react";
import { templateStepSummary } from "../../fields/template-step-form";
import type { NodeModule } from "../types";
import { PushStepForm } from "./form";

export const pushStep: NodeModule<"action.push"> = {
  type: "action.push",
  title: "Push",
  icon: Bell,
  family: "action",
  group: "Actions",
  hint: "Send a push notification",
  defaults: () => ({ templateId: "" }),
  summarize: templateStepSummary,
  Form: PushStepForm,
  template: { channel: "push", name: "push" },
};
