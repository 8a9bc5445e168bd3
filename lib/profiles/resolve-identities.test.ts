import { describe, expect, it } from "vitest";
import { identityKeysOf, resolveIdentities, type ExistingIdentity, type ResolvableMessage } from "./resolve-identities";

const ids = () => {
  let n = 0;
  return () => `p${++n}`;
};
const msg = (
  userId: string | null,
  anonymousId: string | null,
  previousId: string | null = null,
): ResolvableMessage => ({ userId, anonymousId, previousId });
const existing = (
  kind: "user" | "anonymous",
  value: string,
  profileId: string,
  profileUserId: string | null,
): ExistingIdentity => ({ kind, value, profileId, profileUserId });

describe("identity resolution", () => {
  it("gives an unknown anonymous visitor a new anonymous profile, and reuses it", () => {
    const plan = resolveIdentities([msg(null, "a1"), msg(null, "a1")], [], ids());
    expect(plan.profileIdOfMessage).toEqual(["p1", "p1"]);
    expect(plan.newProfiles).toEqual([{ id: "p1", userId: null }]);
    expect(plan.identities).toEqual([{ kind: "anonymous", value: "a1", profileId: "p1" }]);
  });

  it("turns the anonymous profile into the person's when they identify (sign-up)", () => {
    const plan = resolveIdentities([msg("u1", "a1")], [existing("anonymous", "a1", "anon", null)], ids());
    expect(plan.profileIdOfMessage).toEqual(["anon"]);
    expect(plan.userIdAssignments).toEqual([{ profileId: "anon", userId: "u1", previousUserId: null }]);
    expect(plan.identities).toEqual([{ kind: "user", value: "u1", profileId: "anon" }]);
    expect(plan.newProfiles).toEqual([]);
  });

  it("merges anonymous history into an existing known profile (sign-in on a new device)", () => {
    const plan = resolveIdentities(
      [msg("u1", "a2")],
      [existing("user", "u1", "known", "u1"), existing("anonymous", "a2", "anon", null)],
      ids(),
    );
    expect(plan.profileIdOfMessage).toEqual(["known"]);
    expect(plan.merges).toEqual([{ from: "anon", to: "known" }]);
    expect(plan.identities).toEqual([{ kind: "anonymous", value: "a2", profileId: "known" }]);
  });

  it("never merges two known people: a shared device's anonymousId moves to the newest user", () => {
    const plan = resolveIdentities(
      [msg("u2", "a1")],
      [existing("user", "u1", "first", "u1"), existing("anonymous", "a1", "first", "u1")],
      ids(),
    );
    expect(plan.merges).toEqual([]);
    expect(plan.newProfiles).toEqual([{ id: "p1", userId: "u2" }]);
    expect(plan.identities).toContainEqual({ kind: "anonymous", value: "a1", profileId: "p1" });
  });

  it("resolves within one batch: anonymous events, then identify, then more events all land on one profile", () => {
    const plan = resolveIdentities([msg(null, "a1"), msg(null, "a1"), msg("u1", "a1"), msg("u1", null)], [], ids());
    expect(new Set(plan.profileIdOfMessage)).toEqual(new Set(["p1"]));
    expect(plan.newProfiles).toEqual([{ id: "p1", userId: "u1" }]);
    expect(plan.merges).toEqual([]);
  });

  it("within one batch, merges an anonymous profile created earlier in the batch without a database merge", () => {
    const plan = resolveIdentities([msg(null, "a9"), msg("u1", "a9")], [existing("user", "u1", "known", "u1")], ids());
    expect(plan.profileIdOfMessage).toEqual(["known", "known"]);
    expect(plan.newProfiles).toEqual([]);
    expect(plan.merges).toEqual([]);
    expect(plan.identities).toEqual([{ kind: "anonymous", value: "a9", profileId: "known" }]);
  });

  it("alias merges the previous id's profile into the user's", () => {
    const plan = resolveIdentities(
      [msg("u1", null, "a1")],
      [existing("anonymous", "a1", "anon", null), existing("user", "u1", "known", "u1")],
      ids(),
    );
    expect(plan.merges).toEqual([{ from: "anon", to: "known" }]);
    expect(plan.profileIdOfMessage).toEqual(["known"]);
  });

  it("alias to a new userId hands it to the previous profile", () => {
    const plan = resolveIdentities(
      [msg("new-id", null, "old-id")],
      [existing("user", "old-id", "person", "old-id")],
      ids(),
    );
    expect(plan.userIdAssignments).toEqual([{ profileId: "person", userId: "new-id", previousUserId: "old-id" }]);
    expect(plan.identities).toEqual([{ kind: "user", value: "new-id", profileId: "person" }]);
  });

  it("lists every identity a batch mentions, once", () => {
    expect(identityKeysOf([msg("u1", "a1"), msg("u1", null), msg("u2", null, "a1")])).toEqual([
      { kind: "user", value: "u1" },
      { kind: "anonymous", value: "a1" },
      { kind: "user", value: "u2" },
      { kind: "user", value: "a1" },
    ]);
  });
});
