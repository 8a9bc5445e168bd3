"use client";

import { TemplateStepForm } from "../../fields/template-step-form";
import type { NodeFormProps } from "../types";

export function SmsStepForm(props: NodeFormProps<"action.sms">) {
  return <TemplateStepForm {...props} channel="sms" channelName="SMS" />;
}
