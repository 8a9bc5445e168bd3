import { openApiDocument } from "@/lib/api/openapi";
import { route } from "@/lib/http/handler";

let document: ReturnType<typeof openApiDocument> | undefined;

/** The OpenAPI 3.1 document of /api/v1 (public: it describes the API, not anyone's data). Built once per process. */
export const GET = route(async () => {
  document ??= openApiDocument();
  return Response.json(document, { headers: { "Cache-Control": "public, max-age=300" } });
});
