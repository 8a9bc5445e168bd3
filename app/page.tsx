import { redirect } from "next/navigation";
import { currentUser } from "@/lib/http/page-auth";
import { isSetUp } from "@/lib/workspaces/setup";
import { listWorkspacesOf } from "@/lib/workspaces/workspaces";

export const dynamic = "force-dynamic";

/** Sends everyone where they belong: first run → setup; signed out → sign in; otherwise → their workspace. */
export default async function Home() {
  if (!(await isSetUp())) redirect("/setup");
  const user = await currentUser();
  if (!user) redirect("/login");
  const [first] = await listWorkspacesOf(user.id);
  redirect(first ? `/w/${first.slug}/journeys` : "/workspaces/new");
}
