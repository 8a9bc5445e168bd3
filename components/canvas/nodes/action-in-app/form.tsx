"use client";

import { TemplateStepForm } from "../../fields/template-step-form";
import type { NodeFormProps } from "../types";

export function InAppStepForm(props: NodeFormProps<"action.in_app">) {
  return <TemplateStepForm {...props} channel="in_app" channelName="in-app" />;
}
