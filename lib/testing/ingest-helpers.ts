import { createApiKey } from "../api-keys/api-keys";
import { contextOf, createWorkspaceWithTeam, type TestWorkspace } from "./factories";

export interface IngestFixture {
  team: TestWorkspace;
  key: string;
  bearer: { authorization: string };
}

/** A workspace with a write key, ready to ingest. */
export async function ingestFixture(scope: "WRITE" | "FULL" = "WRITE"): Promise<IngestFixture> {
  const team = await createWorkspaceWithTeam();
  const { secret } = await createApiKey(await contextOf(team, "OWNER"), { name: "Website", scope });
  return { team, key: secret, bearer: { authorization: `Bearer ${secret}` } };
}
