import type { ReactNode } from "react";
import type { DataIssue } from "@/lib/profiles/data-issues";
import type { ProfileDetail } from "@/lib/profiles/profiles";
import { Badge, Card } from "../ui/card";
import { formatDateTime } from "../ui/format";

/** The left column of a profile: who they are known as, how to reach them, when they were seen. */
export function ProfileFacts({ profile }: { profile: ProfileDetail }) {
  return (
    <>
      <Card title="Identities">
        {profile.identities.length === 0 ? (
          <p className="text-sm text-stone-500">No identities.</p>
        ) : (
          <ul className="space-y-2.5 text-sm" data-testid="profile-identities">
            {profile.identities.map((identity) => (
              <li key={`${identity.kind}:${identity.value}`} className="flex items-start gap-2">
                <Badge tone={identity.kind === "user" ? "brand" : "stone"}>
                  {identity.kind === "user" ? "User id" : "Anonymous id"}
                </Badge>
                <span className="min-w-0 font-mono text-xs leading-5 break-all text-stone-800">{identity.value}</span>
              </li>
            ))}
          </ul>
        )}
      </Card>

      <Card title="Contact points">
        <dl className="space-y-3 text-sm">
          <Fact label="Email" issue={profile.dataIssues.email}>
            {profile.email}
          </Fact>
          <Fact label="Phone">{profile.phone}</Fact>
          <Fact label="Push tokens">
            {profile.pushTokens.length === 0 ? null : (
              <ul className="space-y-1">
                {profile.pushTokens.map((token) => (
                  <li key={token.token} className="flex items-start gap-2">
                    <Badge>{token.type}</Badge>
                    <span className="min-w-0 truncate font-mono text-xs leading-5 text-stone-700" title={token.token}>
                      {token.token}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </Fact>
        </dl>
      </Card>

      <Card title="Activity">
        <dl className="space-y-3 text-sm">
          <Fact label="Time zone" issue={profile.dataIssues.timezone}>
            {profile.timezone}
          </Fact>
          <Fact label="First seen">{formatDateTime(profile.firstSeenAt)}</Fact>
          <Fact label="Last seen">{formatDateTime(profile.lastSeenAt)}</Fact>
        </dl>
      </Card>
    </>
  );
}

/** A flag on a contact fact ingestion found unusable: the value as sent (as text) and why. */
function DataIssueNote({ issue }: { issue: DataIssue | undefined }) {
  if (!issue) return null;
  const value = typeof issue.value === "string" ? issue.value : JSON.stringify(issue.value);
  return (
    <p
      role="note"
      data-testid="profile-data-issue"
      className="mt-1 rounded bg-amber-50 px-2 py-1 text-xs text-amber-900"
    >
      <span className="font-mono break-all">“{value}”</span>: {issue.reason}
    </p>
  );
}

function Fact({ label, children, issue }: { label: string; children: ReactNode; issue?: DataIssue }) {
  return (
    <div>
      <dt className="text-xs font-medium tracking-wide text-stone-500 uppercase">{label}</dt>
      <dd className="mt-0.5 break-all text-stone-900">
        {children ?? <span className="text-stone-400">Not known</span>}
        <DataIssueNote issue={issue} />
      </dd>
    </div>
  );
}
