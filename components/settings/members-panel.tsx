"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import type { RoleName } from "@/lib/auth/permissions";
import type { InvitationEmailOutcome } from "@/lib/workspaces/invitation-email";
import { Button } from "../ui/button";
import { Badge, Card } from "../ui/card";
import { CopyField } from "../ui/copy-field";
import { FormAlert, SelectField, TextField } from "../ui/field";
import { LocalTime } from "../ui/local-time";
import { type ApiResult, api } from "../api/client";
import { useApiForm } from "../ui/use-api-form";

interface MemberRow {
  id: string;
  name: string;
  email: string;
  role: RoleName;
  joinedAt: string;
}

interface InvitationRow {
  id: string;
  email: string;
  role: RoleName;
  invitedBy: string;
  expiresAt: string;
}

interface Props {
  slug: string;
  currentUserEmail: string;
  members: MemberRow[];
  invitations: InvitationRow[] | null; // null: the viewer may not see invitations
  canManage: boolean;
  canManageOwners: boolean;
  roleLabels: Record<RoleName, string>;
  roleDescriptions: Record<RoleName, string>;
}

const ROLE_ORDER: RoleName[] = ["OWNER", "ADMIN", "EDITOR", "VIEWER"];

export function MembersPanel({
  slug,
  currentUserEmail,
  members,
  invitations,
  canManage,
  canManageOwners,
  roleLabels,
  roleDescriptions,
}: Props) {
  const router = useRouter();
  const invite = useApiForm();
  const [inviteLink, setInviteLink] = useState<{
    email: string;
    url: string;
    emailed: InvitationEmailOutcome | null;
  } | null>(null);
  const [rowError, setRowError] = useState<string | null>(null);
  const assignable = ROLE_ORDER.filter((r) => r !== "OWNER" || canManageOwners);
  // The server refuses to leave a workspace without an owner; do not offer what would be refused.
  const ownerCount = members.filter((m) => m.role === "OWNER").length;

  async function onInvite(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const result = await invite.submit(
      api.workspace.invite(slug, {
        email: String(form.get("email") ?? ""),
        role: String(form.get("role") ?? "") as RoleName, // the server names an unknown role on the field
      }),
    );
    if (result) {
      setInviteLink({ email: result.invitation.email, url: result.url, emailed: result.email ?? null });
      formElement.reset();
      router.refresh();
    }
  }

  async function act(call: () => Promise<ApiResult<unknown>>) {
    setRowError(null);
    const result = await call();
    if (!result.ok) setRowError(result.error.message);
    router.refresh();
  }

  return (
    <div className="space-y-6">
      {canManage ? (
        <Card
          title="Invite a teammate"
          description="They get an email with a link to join this workspace with the role you choose. Links work for 7 days."
        >
          <form
            method="post"
            onSubmit={onInvite}
            className="grid gap-4 md:grid-cols-[1fr_14rem_auto] md:items-start"
            noValidate
          >
            <TextField
              label="Email"
              name="email"
              type="email"
              placeholder="name@company.com"
              required
              error={invite.fieldErrors.email}
            />
            <SelectField label="Role" name="role" defaultValue="EDITOR" error={invite.fieldErrors.role}>
              {assignable.map((role) => (
                <option key={role} value={role}>
                  {roleLabels[role]}
                </option>
              ))}
            </SelectField>
            <Button type="submit" className="md:mt-7" disabled={invite.pending}>
              {invite.pending ? "Inviting…" : "Send invitation"}
            </Button>
          </form>
          <div className="mt-3">
            <FormAlert message={invite.formError} />
          </div>
          {inviteLink ? (
            <div className="mt-4 space-y-2 rounded-lg bg-brand-50 p-4 ring-1 ring-brand-200" role="status">
              <p className="text-sm text-brand-900" data-testid="invitation-outcome">
                {inviteLink.emailed?.sent ? (
                  <>
                    Invitation created and emailed to <strong>{inviteLink.email}</strong>
                    {inviteLink.emailed.outbox
                      ? " (it is in the Outbox: no mail server is set up, so it stays inside Cairn)"
                      : ""}
                    . You can also send them this link:
                  </>
                ) : (
                  <>
                    Invitation created for <strong>{inviteLink.email}</strong>; the email could not be sent:{" "}
                    {inviteLink.emailed?.reason ?? "no answer about the email"}. Send them this link yourself:
                  </>
                )}
              </p>
              <CopyField label="Invitation link" value={inviteLink.url} testId="invitation-link" />
            </div>
          ) : null}
        </Card>
      ) : null}

      <Card
        title="Members"
        description={`${members.length} ${members.length === 1 ? "person has" : "people have"} access to this workspace.`}
      >
        <FormAlert message={rowError} />
        <table className="w-full text-left text-sm">
          <thead className="text-xs tracking-wide text-stone-500 uppercase">
            <tr>
              <th className="py-2 font-medium">Name</th>
              <th className="py-2 font-medium">Role</th>
              <th className="py-2 font-medium">Joined</th>
              {canManage ? <th className="py-2 text-right font-medium">Actions</th> : null}
            </tr>
          </thead>
          <tbody className="divide-y divide-stone-100">
            {members.map((member) => {
              const lastOwner = member.role === "OWNER" && ownerCount === 1;
              const editable = canManage && !lastOwner && (member.role !== "OWNER" || canManageOwners);
              return (
                <tr key={member.id} data-testid={`member-${member.email}`}>
                  <td className="py-3">
                    <div className="font-medium text-stone-900">
                      {member.name}{" "}
                      {member.email === currentUserEmail ? (
                        <span className="font-normal text-stone-500">(you)</span>
                      ) : null}
                    </div>
                    <div className="text-stone-500">{member.email}</div>
                  </td>
                  <td className="py-3">
                    {editable ? (
                      <select
                        aria-label={`Role of ${member.email}`}
                        value={member.role}
                        onChange={(e) =>
                          act(() => api.workspace.changeRole(slug, member.id, { role: e.target.value as RoleName }))
                        }
                        className="rounded-md border-0 bg-white py-1.5 pr-8 pl-2 text-sm ring-1 ring-stone-300 ring-inset focus:ring-2 focus:ring-brand-600"
                      >
                        {assignable.map((role) => (
                          <option key={role} value={role}>
                            {roleLabels[role]}
                          </option>
                        ))}
                      </select>
                    ) : (
                      <span className="inline-flex items-center gap-2">
                        <Badge tone={member.role === "OWNER" ? "brand" : "stone"}>{roleLabels[member.role]}</Badge>
                        {lastOwner && canManage ? <span className="text-xs text-stone-500">the only owner</span> : null}
                      </span>
                    )}
                  </td>
                  <td className="py-3 text-stone-600">
                    <LocalTime iso={member.joinedAt} />
                  </td>
                  {canManage ? (
                    <td className="py-3 text-right">
                      {editable ? (
                        <Button
                          variant="danger"
                          className="px-2.5 py-1.5 text-xs"
                          onClick={() => {
                            if (confirm(`Remove ${member.email} from this workspace?`))
                              act(() => api.workspace.removeMember(slug, member.id));
                          }}
                        >
                          Remove
                        </Button>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      </Card>

      {invitations && invitations.length > 0 ? (
        <Card title="Pending invitations">
          <ul className="divide-y divide-stone-100 text-sm">
            {invitations.map((inv) => (
              <li
                key={inv.id}
                className="flex flex-wrap items-center justify-between gap-3 py-3"
                data-testid={`invitation-${inv.email}`}
              >
                <div>
                  <span className="font-medium text-stone-900">{inv.email}</span> <Badge>{roleLabels[inv.role]}</Badge>
                  <div className="text-stone-500">
                    Invited by {inv.invitedBy} · expires <LocalTime iso={inv.expiresAt} />
                  </div>
                </div>
                {canManage && (inv.role !== "OWNER" || canManageOwners) ? (
                  <Button
                    variant="danger"
                    className="px-2.5 py-1.5 text-xs"
                    onClick={() => act(() => api.workspace.revokeInvitation(slug, inv.id))}
                  >
                    Revoke
                  </Button>
                ) : null}
              </li>
            ))}
          </ul>
        </Card>
      ) : null}

      <Card title="Roles">
        <dl className="grid gap-3 text-sm sm:grid-cols-2">
          {ROLE_ORDER.map((role) => (
            <div key={role}>
              <dt className="font-medium text-stone-900">{roleLabels[role]}</dt>
              <dd className="text-stone-600">{roleDescriptions[role]}</dd>
            </div>
          ))}
        </dl>
      </Card>
    </div>
  );
}
