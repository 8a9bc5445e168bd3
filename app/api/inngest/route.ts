import { serve } from "inngest/next";
import { inngest } from "@/inngest/client";
import { functions } from "@/inngest/functions";

/** The Inngest serve endpoint: Inngest (cloud, self-hosted, or the embedded executor) registers and runs Cairn's functions here. */
export const { GET, POST, PUT } = serve({ client: inngest, functions });
