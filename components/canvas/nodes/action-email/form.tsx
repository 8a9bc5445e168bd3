"use client";

import { TemplateStepForm } from "../../fields/template-step-form";
import type { NodeFormProps } from "../types";

export function EmailStepForm(props: NodeFormProps<"action.email">) {
  return <TemplateStepForm {...props} channel="email" channelName="email" />;
}
