import { z } from "zod";
import { type Queryable, selectRows } from "../../db/sql";

/** The SQL delivery reads channel configs with (lib/messaging/channel-config.ts); Settings → Channels writes them with Prisma. */

const ChannelConfigRow = z.object({
  provider: z.string(),
  settings: z.record(z.string(), z.unknown()),
  secretCipher: z.string().nullable(),
});

/** Every provider the workspace configured, with its settings and its secrets still encrypted. */
export function selectChannelConfigRows(q: Queryable, workspaceId: string) {
  return selectRows(
    q,
    ChannelConfigRow,
    `SELECT provider, settings, "secretCipher" FROM "ChannelConfig" WHERE "workspaceId" = $1::uuid`,
    [workspaceId],
  );
}
