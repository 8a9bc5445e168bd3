import Link from "next/link";
import { Card } from "../ui/card";
import { CopyField } from "../ui/copy-field";
import { CodeBlock } from "./code-block";

const ENDPOINTS = [
  { path: "track", what: "Something a person did: “Order Completed”, “Trial Started”." },
  { path: "identify", what: "Who someone is: their user id, email and traits." },
  { path: "page", what: "A page view on a website." },
  { path: "screen", what: "A screen view in a mobile app." },
  { path: "alias", what: "Links a person’s earlier id to their new one." },
  { path: "batch", what: "Up to 2,500 of the calls above in one request (500 KB at most)." },
] as const;

/** How to send a first event: a curl command to copy, the endpoints, and how to point Segment's libraries here. */
export function SendTestEvent({
  slug,
  origin,
  canManageKeys,
}: {
  slug: string;
  origin: string;
  canManageKeys: boolean;
}) {
  const curl = `curl -X POST ${origin}/api/v1/track \\
  -u "<YOUR_WRITE_KEY>:" \\
  -H "Content-Type: application/json" \\
  -d '{
    "userId": "user-123",
    "event": "Order Completed",
    "properties": { "orderId": "1001", "revenue": 49.90, "currency": "EUR" }
  }'`;
  const segment = `import { Analytics } from "@segment/analytics-node";

const analytics = new Analytics({
  writeKey: "<YOUR_WRITE_KEY>",
  host: "${origin}",
  path: "/api/v1/batch",
});

analytics.track({
  userId: "user-123",
  event: "Order Completed",
  properties: { revenue: 49.9 },
});`;

  return (
    <Card
      title="Send a test event"
      description="Websites, apps and servers send events with a write API key, using the same HTTP API as Segment."
    >
      <ol className="space-y-6 text-sm text-stone-700">
        <li className="flex gap-3">
          <Step n={1} />
          <div className="min-w-0 flex-1">
            <p className="font-medium text-stone-900">Get a write API key</p>
            <p className="mt-1">
              {canManageKeys ? (
                <>
                  Create one in{" "}
                  <Link href={`/w/${slug}/settings/api-keys`} className="font-medium text-brand-700 hover:underline">
                    Settings → API keys
                  </Link>{" "}
                  (scope “Write”). It is shown once; keep it somewhere safe.
                </>
              ) : (
                <>Ask an admin or owner of this workspace for a write key: only they can create API keys.</>
              )}
            </p>
          </div>
        </li>
        <li className="flex gap-3">
          <Step n={2} />
          <div className="min-w-0 flex-1 space-y-2">
            <p className="font-medium text-stone-900">Send an event</p>
            <p>
              Replace <code className="rounded bg-stone-100 px-1 py-0.5 font-mono text-xs">&lt;YOUR_WRITE_KEY&gt;</code>{" "}
              with your key. The key is the HTTP Basic user name with an empty password (what{" "}
              <code className="font-mono text-xs">-u &quot;key:&quot;</code> sends); an{" "}
              <code className="font-mono text-xs">Authorization: Bearer &lt;key&gt;</code> header works too.
            </p>
            <CodeBlock code={curl} label="curl command for a test event" testId="test-event-curl" />
          </div>
        </li>
        <li className="flex gap-3">
          <Step n={3} />
          <div className="min-w-0 flex-1">
            <p className="font-medium text-stone-900">Watch it arrive</p>
            <p className="mt-1">
              It appears in{" "}
              <Link href={`/w/${slug}/events`} className="font-medium text-brand-700 hover:underline">
                Events → Live
              </Link>{" "}
              within seconds, and “user-123” gets a profile in{" "}
              <Link href={`/w/${slug}/profiles`} className="font-medium text-brand-700 hover:underline">
                Profiles
              </Link>
              .
            </p>
          </div>
        </li>
      </ol>

      <div className="mt-8 grid gap-8 border-t border-stone-100 pt-6 lg:grid-cols-2">
        <div className="min-w-0">
          <h3 className="text-sm font-semibold text-stone-900">Endpoints</h3>
          <p className="mt-1 text-sm text-stone-600">
            <code className="font-mono text-xs">POST</code> with a JSON body shaped like Segment&apos;s HTTP API.
          </p>
          <table className="mt-3 w-full text-left text-sm">
            <caption className="sr-only">Ingestion endpoints</caption>
            <tbody className="divide-y divide-stone-100">
              {ENDPOINTS.map((endpoint) => (
                <tr key={endpoint.path} className="align-top">
                  <th
                    scope="row"
                    className="py-2 pr-4 font-mono text-xs leading-5 font-medium whitespace-nowrap text-stone-800"
                  >
                    /api/v1/{endpoint.path}
                  </th>
                  <td className="py-2 text-stone-600">{endpoint.what}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="mt-4 space-y-1.5">
            <p className="text-xs font-medium text-stone-700">Batch endpoint</p>
            <CopyField label="Batch endpoint URL" value={`${origin}/api/v1/batch`} />
          </div>
        </div>
        <div className="min-w-0 space-y-2">
          <h3 className="text-sm font-semibold text-stone-900">Segment&apos;s libraries</h3>
          <p className="text-sm text-stone-600">
            Segment&apos;s libraries (analytics.js, analytics-node, the mobile SDKs) send to Cairn unchanged: point
            their host at <code className="font-mono text-xs break-all">{origin}</code> with the path{" "}
            <code className="font-mono text-xs">/api/v1/batch</code>, and use a Cairn write key as the write key.
          </p>
          <CodeBlock code={segment} label="analytics-node example" />
        </div>
      </div>
    </Card>
  );
}

function Step({ n }: { n: number }) {
  return (
    <span
      className="flex h-6 w-6 shrink-0 items-center justify-center rounded-full bg-brand-50 text-xs font-semibold text-brand-800 ring-1 ring-brand-200"
      aria-hidden="true"
    >
      {n}
    </span>
  );
}
