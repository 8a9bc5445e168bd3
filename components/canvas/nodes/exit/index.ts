import { DoorOpen } from "lucide-react";
import type { NodeModule } from "../types";
import { ExitForm } from "./form";

export const exit: NodeModule<"exit"> = {
  type: "exit",
  title: "Exit",
  icon: DoorOpen,
  family: "finish",
  group: "Finish",
  hint: "End the journey here",
  defaults: () => ({}),
  summarize: () => "Leaves the journey",
  Form: ExitForm,
};
