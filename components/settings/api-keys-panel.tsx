"use client";

import { KeyRound } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState, useSyncExternalStore, type FormEvent } from "react";
import { Button } from "../ui/button";
import { Badge, Card } from "../ui/card";
import { CopyField } from "../ui/copy-field";
import { FormAlert, TextField } from "../ui/field";
import { LocalTime } from "../ui/local-time";
import { api } from "../api/client";
import { useApiForm } from "../ui/use-api-form";

interface ApiKeyRow {
  id: string;
  name: string;
  scope: "WRITE" | "FULL";
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  allowedOrigins: string[];
}

const noSubscription = () => () => {};

/** One origin a line (commas work too); blank lines ignored. */
const parseOrigins = (text: string) =>
  text
    .split(/[\n,]+/)
    .map((line) => line.trim())
    .filter(Boolean);

/** The server names a bad origin as allowedOrigins.<i>: shown as the line it came from. */
function originErrors(fields: Record<string, string>): string | undefined {
  const messages = Object.entries(fields)
    .filter(([path]) => path === "allowedOrigins" || path.startsWith("allowedOrigins."))
    .map(([path, message]) => {
      const index = Number(path.split(".")[1]);
      return Number.isInteger(index) ? `Origin ${index + 1}: ${message}` : message;
    });
  return messages.length ? messages.join(" ") : undefined;
}

function OriginsEditor({ slug, apiKey, onSaved }: { slug: string; apiKey: ApiKeyRow; onSaved: () => void }) {
  const save = useApiForm();
  const [text, setText] = useState(apiKey.allowedOrigins.join("\n"));
  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const result = await save.submit(
      api.workspace.updateApiKey(slug, apiKey.id, { allowedOrigins: parseOrigins(text) }),
    );
    if (result) onSaved();
  }
  const error = originErrors(save.fieldErrors);
  return (
    <form method="post" onSubmit={onSubmit} className="mt-2 space-y-2" noValidate>
      <FormAlert message={save.formError} />
      <label className="block text-sm font-medium text-stone-800">
        Allowed origins for “{apiKey.name}”
        <textarea
          value={text}
          onChange={(e) => setText(e.target.value)}
          rows={3}
          placeholder={"https://www.example.com\nhttps://shop.example.com"}
          aria-invalid={!!error}
          className="mt-1.5 block w-full rounded-md bg-white px-3 py-2 font-mono text-xs text-stone-900 ring-1 ring-stone-300 ring-inset outline-none focus:ring-2 focus:ring-brand-600"
        />
      </label>
      {error ? (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      ) : (
        <p className="text-xs text-stone-500">
          One origin a line, scheme://host[:port]. Pages elsewhere are refused; servers are not affected.
        </p>
      )}
      <Button type="submit" className="px-2.5 py-1.5 text-xs" disabled={save.pending}>
        {save.pending ? "Saving…" : "Save origins"}
      </Button>
    </form>
  );
}

/** How a website loads Segment's browser library pointed at Cairn (npm; the settings document sets apiHost). */
function browserSnippet(cairnOrigin: string): string {
  return `// npm install @segment/analytics-next
import { AnalyticsBrowser } from "@segment/analytics-next";

// The page's origin must be one of the key's browser origins (Keys, above).
export const analytics = AnalyticsBrowser.load({
  writeKey: "<your write key>",
  cdnURL: "${cairnOrigin}/api", // Cairn serves the settings, which point the events at ${cairnOrigin}/api/v1
});

analytics.page();
analytics.track("Signed Up", { plan: "Pro" });
// userHash: only when identity verification is required (Settings → Identity verification)
analytics.identify(user.id, { email: user.email }, { context: { userHash } });`;
}

export function ApiKeysPanel({
  slug,
  apiKeys,
  scopeDescriptions,
}: {
  slug: string;
  apiKeys: ApiKeyRow[];
  scopeDescriptions: Record<"WRITE" | "FULL", string>;
}) {
  const router = useRouter();
  const create = useApiForm();
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const [rowError, setRowError] = useState<string | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  // the snippet names this Cairn's own address, known only in the browser (the page is rendered on the server first)
  const cairnOrigin = useSyncExternalStore(
    noSubscription,
    () => window.location.origin,
    () => "https://cairn.example.com",
  );

  async function onCreate(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const result = await create.submit(
      api.workspace.createApiKey(slug, {
        name: String(form.get("name") ?? ""),
        scope: String(form.get("scope") ?? "") as ApiKeyRow["scope"], // the server names an unknown scope on the field
      }),
    );
    if (result) {
      setCreated({ name: result.apiKey.name, secret: result.secret });
      formElement.reset();
      router.refresh();
    }
  }

  async function revoke(key: ApiKeyRow) {
    if (!confirm(`Revoke "${key.name}"? Anything still using it will get 401 errors at once.`)) return;
    setRowError(null);
    const result = await api.workspace.revokeApiKey(slug, key.id);
    if (!result.ok) setRowError(result.error.message);
    router.refresh();
  }

  return (
    <div className="space-y-6">
      <p className="text-sm text-stone-600">
        What a key can call, with examples:{" "}
        <a href="/docs/api" className="text-brand-700 underline">
          the API reference
        </a>
        .
      </p>
      <Card
        title="Create an API key"
        description="Websites, apps and servers send events with a key; scripts manage journeys with a full key."
      >
        <form method="post" onSubmit={onCreate} className="space-y-4" noValidate>
          <FormAlert message={create.formError} />
          <div className="max-w-md">
            <TextField
              label="Name"
              name="name"
              placeholder="e.g. Website, Backend, CI"
              required
              error={create.fieldErrors.name}
            />
          </div>
          <fieldset>
            <legend className="text-sm font-medium text-stone-800">Scope</legend>
            <div className="mt-2 grid gap-3 md:grid-cols-2">
              {(["WRITE", "FULL"] as const).map((scope) => (
                <label
                  key={scope}
                  className="flex cursor-pointer gap-3 rounded-lg p-3 ring-1 ring-stone-200 has-[:checked]:bg-brand-50 has-[:checked]:ring-brand-500"
                >
                  <input
                    type="radio"
                    name="scope"
                    value={scope}
                    defaultChecked={scope === "WRITE"}
                    className="mt-0.5 accent-brand-700"
                  />
                  <span className="text-sm text-stone-700">{scopeDescriptions[scope]}</span>
                </label>
              ))}
            </div>
            {create.fieldErrors.scope ? (
              <p role="alert" className="mt-1.5 text-sm text-red-700">
                {create.fieldErrors.scope}
              </p>
            ) : null}
          </fieldset>
          <Button type="submit" disabled={create.pending}>
            <KeyRound className="h-4 w-4" aria-hidden="true" />
            {create.pending ? "Creating…" : "Create key"}
          </Button>
        </form>
        {created ? (
          <div className="mt-5 space-y-2 rounded-lg bg-amber-50 p-4 ring-1 ring-amber-200" role="status">
            <p className="text-sm text-amber-900">
              <strong>Copy the key “{created.name}” now.</strong> It is shown only this once; Cairn stores only a hash
              of it.
            </p>
            <CopyField label="New API key" value={created.secret} testId="new-api-key" />
          </div>
        ) : null}
      </Card>

      <Card title="Keys">
        <FormAlert message={rowError} />
        {apiKeys.length === 0 ? (
          <p className="text-sm text-stone-500">No API keys yet. Create one above to start sending events.</p>
        ) : (
          <table className="w-full text-left text-sm">
            <thead className="text-xs tracking-wide text-stone-500 uppercase">
              <tr>
                <th className="py-2 font-medium">Name</th>
                <th className="py-2 font-medium">Key</th>
                <th className="py-2 font-medium">Scope</th>
                <th className="py-2 font-medium">Created</th>
                <th className="py-2 font-medium">Last used</th>
                <th className="py-2 font-medium">Browser origins</th>
                <th className="py-2 text-right font-medium">Status</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-stone-100">
              {apiKeys.map((key) => (
                <tr key={key.id} data-testid={`api-key-${key.name}`} className={key.revokedAt ? "text-stone-400" : ""}>
                  <td className="py-3 font-medium">{key.name}</td>
                  <td className="py-3 font-mono text-xs">{key.prefix}…</td>
                  <td className="py-3">
                    <Badge tone={key.scope === "FULL" ? "amber" : "stone"}>
                      {key.scope === "FULL" ? "Full" : "Write"}
                    </Badge>
                  </td>
                  <td className="py-3">
                    <LocalTime iso={key.createdAt} />
                  </td>
                  <td className="py-3">{key.lastUsedAt ? <LocalTime iso={key.lastUsedAt} /> : "Never"}</td>
                  <td className="py-3 align-top">
                    <div data-testid={`api-key-origins-${key.name}`} className="font-mono text-xs">
                      {key.allowedOrigins.length ? (
                        key.allowedOrigins.map((origin) => <div key={origin}>{origin}</div>)
                      ) : (
                        <span className="font-sans text-stone-500">Servers only</span>
                      )}
                    </div>
                    {!key.revokedAt ? (
                      editing === key.id ? (
                        <OriginsEditor
                          slug={slug}
                          apiKey={key}
                          onSaved={() => {
                            setEditing(null);
                            router.refresh();
                          }}
                        />
                      ) : (
                        <button
                          type="button"
                          className="mt-1 text-xs text-brand-700 hover:underline"
                          onClick={() => setEditing(key.id)}
                        >
                          Edit origins
                        </button>
                      )
                    ) : null}
                  </td>
                  <td className="py-3 text-right">
                    {key.revokedAt ? (
                      <Badge tone="red">
                        Revoked <LocalTime iso={key.revokedAt} />
                      </Badge>
                    ) : (
                      <Button variant="danger" className="px-2.5 py-1.5 text-xs" onClick={() => revoke(key)}>
                        Revoke
                      </Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>

      <Card
        title="Send events from a website"
        description="Segment's browser library (analytics.js 2.0) works unchanged: load it with Cairn's address and a write key whose allowed origins include your site."
      >
        <pre
          data-testid="browser-snippet"
          className="overflow-x-auto rounded-md bg-stone-900 p-4 text-xs text-stone-100"
        >
          {browserSnippet(cairnOrigin)}
        </pre>
      </Card>
    </div>
  );
}
