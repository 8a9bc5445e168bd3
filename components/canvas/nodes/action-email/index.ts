import { Mail } from "lucide-react";
import { templateStepSummary } from "../../fields/template-step-form";
import type { NodeModule } from "../types";
import { EmailStepForm } from "./form";

export const emailStep: NodeModule<"action.email"> = {
  type: "action.email",
  title: "Email",
  icon: Mail,
  family: "action",
  group: "Actions",
  hint: "Send an email",
  defaults: () => ({ templateId: "" }),
  summarize: templateStepSummary,
  Form: EmailStepForm,
  template: { channel: "email", name: "email" },
};
