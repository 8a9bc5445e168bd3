"use client";

import { TemplateStepForm } from "../../fields/template-step-form";
import type { NodeFormProps } from "../types";

export function PushStepForm(props: NodeFormProps<"action.push">) {
  return <TemplateStepForm {...props} channel="push" channelName="push" />;
}
