import { journeyJsonSchema } from "@/lib/journeys/json-schema";
import { route } from "@/lib/http/handler";

/** The journey graph's JSON Schema. Public: it describes a format, not anyone's data. */
export const GET = route(async () =>
  Response.json(journeyJsonSchema(), {
    headers: { "Cache-Control": "public, max-age=300", "Content-Type": "application/schema+json" },
  }),
);
