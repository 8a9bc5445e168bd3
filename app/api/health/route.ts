import { route } from "@/lib/http/handler";
import { checkDatabase } from "@/lib/db/health";

export const GET = route(async () => ({ status: "ok", database: await checkDatabase() }));
