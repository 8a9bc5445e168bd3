import { ZCreateOwner } from "@/lib/auth/schemas";
import { readBody, route } from "@/lib/http/handler";
import { createOwnerAccount } from "@/lib/workspaces/setup";

/** First run only: create the owner account and the first workspace. */
export const POST = route(async (request) => createOwnerAccount(await readBody(request, ZCreateOwner)));
