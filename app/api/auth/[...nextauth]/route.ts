import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth/next-auth-options";

// Built per request so that the options read the environment of the running server, not of `next build`.
function handler(request: Request, context: { params: Promise<{ nextauth: string[] }> }) {
  return NextAuth(authOptions())(request, context);
}

export { handler as GET, handler as POST };
