import { PanelTop } from "lucide-react";
import { templateStepSummary } from "../../fields/template-step-form";
import type { NodeModule } from "../types";
import { InAppStepForm } from "./form";

export const inAppStep: NodeModule<"action.in_app"> = {
  type: "action.in_app",
  title: "In-app",
  icon: PanelTop,
  family: "action",
  group: "Actions",
  hint: "Show an in-app message",
  defaults: () => ({ templateId: "" }),
  summarize: templateStepSummary,
  Form: InAppStepForm,
  template: { channel: "in_app", name: "in-app" },
};
