import type { AppRegistration } from "../registration";
import type { ExecutorDb } from "./db";

export interface StoredFunction {
  appName: string;
  config: Record<string, unknown>;
}

/** Saves a sync: the app's functions replace whatever it registered before. Returns the new generation. */
export async function saveRegistration(db: ExecutorDb, registration: AppRegistration, nowMs: number): Promise<number> {
  const now = new Date(nowMs);
  return db.transaction(async (client) => {
    await client.query(
      `INSERT INTO ${db.t("apps")} (name, url, sdk, synced_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (name) DO UPDATE SET url = EXCLUDED.url, sdk = EXCLUDED.sdk, synced_at = EXCLUDED.synced_at`,
      [registration.appName, registration.url, registration.sdk, now],
    );
    await client.query(`DELETE FROM ${db.t("functions")} WHERE app_name = $1 AND NOT (id = ANY($2::text[]))`, [
      registration.appName,
      registration.functions.map((f) => f.id),
    ]);
    await client.query(
      `INSERT INTO ${db.t("functions")} (id, app_name, config, synced_at)
       SELECT f.id, $1, f.config, $2 FROM jsonb_to_recordset($3::jsonb) AS f(id text, config jsonb)
       ON CONFLICT (id) DO UPDATE SET app_name = EXCLUDED.app_name, config = EXCLUDED.config, synced_at = EXCLUDED.synced_at`,
      [registration.appName, now, JSON.stringify(registration.functions.map((f) => ({ id: f.id, config: f.config })))],
    );
    const { rows } = await client.query<{ generation: string }>(
      `UPDATE ${db.t("registry")} SET generation = generation + 1 RETURNING generation`,
    );
    return Number(rows[0].generation);
  });
}

export async function registryGeneration(db: ExecutorDb): Promise<number> {
  const { rows } = await db.query<{ generation: string }>(`SELECT generation FROM ${db.t("registry")}`);
  return Number(rows[0]?.generation ?? 0);
}

export async function loadRegistry(db: ExecutorDb): Promise<{ generation: number; functions: StoredFunction[] }> {
  return db.transaction(async (client) => {
    const generation = await client.query<{ generation: string }>(`SELECT generation FROM ${db.t("registry")}`);
    const { rows } = await client.query<{ app_name: string; config: Record<string, unknown> }>(
      `SELECT app_name, config FROM ${db.t("functions")} ORDER BY id`,
    );
    return {
      generation: Number(generation.rows[0]?.generation ?? 0),
      functions: rows.map((r) => ({ appName: r.app_name, config: r.config })),
    };
  });
}
