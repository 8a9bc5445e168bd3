import { MessageSquare } from "lucide-react";
import { templateStepSummary } from "../../fields/template-step-form";
import type { NodeModule } from "../types";
import { SmsStepForm } from "./form";

export const smsStep: NodeModule<"action.sms"> = {
  type: "action.sms",
  title: "SMS",
  icon: MessageSquare,
  family: "action",
  group: "Actions",
  hint: "Send a text message",
  defaults: () => ({ templateId: "" }),
  summarize: templateStepSummary,
  Form: SmsStepForm,
  template: { channel: "sms", name: "SMS" },
};
