import { UserPen } from "lucide-react";
import type { NodeModule } from "../types";
import { UpdateProfileForm } from "./form";

export const updateProfileStep: NodeModule<"action.update_profile"> = {
  type: "action.update_profile",
  title: "Update profile",
  icon: UserPen,
  family: "action",
  group: "Actions",
  hint: "Set or remove traits",
  defaults: () => ({ set: {}, unset: [] }),
  summarize: (config) => {
    const set = Object.entries(config.set ?? {});
    const unset = config.unset ?? [];
    if (!set.length && !unset.length) return "Choose traits";
    const parts = set.map(([k, v]) => `${k} = ${String(v)}`).concat(unset.map((k) => `remove ${k}`));
    return parts.join(", ");
  },
  Form: UpdateProfileForm,
};
