import { db } from "./client";

export async function checkDatabase(): Promise<"ok"> {
  await db().$queryRaw`SELECT 1`;
  return "ok";
}
