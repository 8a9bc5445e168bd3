import { randomUUID } from "node:crypto";

/**
 * Identity resolution for one batch, as a pure function: which profile each message belongs to, and
 * what must change so that every identity points at the right profile. The caller loads the existing
 * identities of the batch (under locks) and applies the plan in a few batched statements.
 *
 * Rules (Segment's, made explicit):
 * - A userId names one profile. An anonymousId names the profile it was last seen with.
 * - A message with a userId and an anonymousId that points at an *anonymous* profile (no userId)
 *   identifies that person: the anonymous profile becomes theirs, or, if they already have a profile,
 *   is merged into it, so events sent before sign-up belong to the person afterwards.
 * - Two known people are never merged. An anonymousId seen with another userId (a shared device) is
 *   re-pointed at the newest user; history stays where it was.
 * - alias(previousId → userId): previousId is the person's earlier id (anonymousId or old userId); its
 *   profile is merged into userId's, or, if userId has none yet, takes userId on.
 */
export type IdentityKind = "user" | "anonymous";

export interface ResolvableMessage {
  userId: string | null;
  anonymousId: string | null;
  /** alias only */
  previousId: string | null;
}

export interface ExistingIdentity {
  kind: IdentityKind;
  value: string;
  profileId: string;
  /** the userId of the profile the identity points at */
  profileUserId: string | null;
}

export interface IdentityPlan {
  profileIdOfMessage: string[];
  newProfiles: { id: string; userId: string | null }[];
  /** identities to insert or re-point */
  identities: { kind: IdentityKind; value: string; profileId: string }[];
  /** profiles that take on a userId: anonymous ones identified, or renamed by alias (`previousUserId` is what it was) */
  userIdAssignments: { profileId: string; userId: string; previousUserId: string | null }[];
  merges: { from: string; to: string }[];
}

const key = (kind: IdentityKind, value: string) => `${kind}:${value}`;

export function identityKeysOf(messages: ResolvableMessage[]): { kind: IdentityKind; value: string }[] {
  const seen = new Map<string, { kind: IdentityKind; value: string }>();
  const add = (kind: IdentityKind, value: string | null) => {
    if (value) seen.set(key(kind, value), { kind, value });
  };
  for (const m of messages) {
    add("user", m.userId);
    add("anonymous", m.anonymousId);
    if (m.previousId) {
      add("user", m.previousId);
      add("anonymous", m.previousId);
    }
  }
  return [...seen.values()];
}

export function resolveIdentities(
  messages: ResolvableMessage[],
  existing: ExistingIdentity[],
  newId: () => string = randomUUID,
): IdentityPlan {
  const identity = new Map<string, string>(); // identity key -> profile id
  const userIdOf = new Map<string, string | null>(); // profile id -> its userId
  for (const e of existing) {
    identity.set(key(e.kind, e.value), e.profileId);
    userIdOf.set(e.profileId, e.profileUserId);
  }
  const changedIdentities = new Map<string, { kind: IdentityKind; value: string; profileId: string }>();
  const plan: IdentityPlan = {
    profileIdOfMessage: [],
    newProfiles: [],
    identities: [],
    userIdAssignments: [],
    merges: [],
  };

  const link = (kind: IdentityKind, value: string, profileId: string) => {
    const k = key(kind, value);
    if (identity.get(k) === profileId) return;
    identity.set(k, profileId);
    changedIdentities.set(k, { kind, value, profileId });
  };
  const create = (userId: string | null) => {
    const id = newId();
    userIdOf.set(id, userId);
    plan.newProfiles.push({ id, userId });
    return id;
  };
  const assignUserId = (profileId: string, userId: string) => {
    const previousUserId = userIdOf.get(profileId) ?? null;
    userIdOf.set(profileId, userId);
    const created = plan.newProfiles.find((p) => p.id === profileId);
    if (created) created.userId = userId;
    else {
      const earlier = plan.userIdAssignments.find((a) => a.profileId === profileId);
      if (earlier) earlier.userId = userId;
      else plan.userIdAssignments.push({ profileId, userId, previousUserId });
    }
  };
  const merge = (from: string, to: string) => {
    const createdHere = plan.newProfiles.findIndex((p) => p.id === from);
    if (createdHere >= 0)
      plan.newProfiles.splice(createdHere, 1); // never stored: nothing to merge in the database
    else plan.merges.push({ from, to });
    // Identities of `from` known to this batch follow it; the rest are re-pointed by the merge statement.
    for (const [k, profileId] of identity) {
      if (profileId === from) {
        const [kind, ...rest] = k.split(":");
        link(kind as IdentityKind, rest.join(":"), to);
      }
    }
    plan.profileIdOfMessage.forEach((p, i) => {
      if (p === from) plan.profileIdOfMessage[i] = to;
    });
  };

  const attach = (userId: string | null, anonymousId: string | null): string => {
    const anonProfile = anonymousId ? identity.get(key("anonymous", anonymousId)) : undefined;
    if (!userId) {
      if (anonProfile) return anonProfile;
      const id = create(null);
      link("anonymous", anonymousId!, id);
      return id;
    }
    const userProfile = identity.get(key("user", userId));
    if (!userProfile) {
      if (anonProfile && !userIdOf.get(anonProfile)) {
        assignUserId(anonProfile, userId);
        link("user", userId, anonProfile);
        return anonProfile;
      }
      const id = create(userId);
      link("user", userId, id);
      if (anonymousId) link("anonymous", anonymousId, id);
      return id;
    }
    if (anonymousId && anonProfile !== userProfile) {
      if (anonProfile && !userIdOf.get(anonProfile)) merge(anonProfile, userProfile);
      else link("anonymous", anonymousId, userProfile);
    }
    return userProfile;
  };

  const alias = (previousId: string, userId: string): string => {
    const previous = identity.get(key("user", previousId)) ?? identity.get(key("anonymous", previousId));
    const current = identity.get(key("user", userId));
    if (!previous) return attach(userId, previousId);
    if (!current) {
      assignUserId(previous, userId);
      link("user", userId, previous);
      return previous;
    }
    if (previous !== current) merge(previous, current);
    return current;
  };

  for (const m of messages) {
    const profileId = m.previousId && m.userId ? alias(m.previousId, m.userId) : attach(m.userId, m.anonymousId);
    plan.profileIdOfMessage.push(profileId);
  }
  plan.identities = [...changedIdentities.values()];
  return plan;
}
