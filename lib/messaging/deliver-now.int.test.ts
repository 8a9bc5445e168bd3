import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { messageRow, queueFor, setup } from "../testing/messaging-fixtures";
import { deliverQueuedNow } from "./deliver-now";
import { withEmbeddedOutbox } from "../testing/embedded-outbox";

withEmbeddedOutbox();

describe("delivering a walk's messages in the walk", () => {
  it("sends each once, settles the ones that cannot be sent, and hands nothing on when nothing failed", async () => {
    const s = await setup();
    const people = ["ada", "grace", "linus", "edsger"];
    const ids: string[] = [];
    for (const p of people) ids.push(await queueFor(s, p, { email: `${p}@example.com`, first_name: p }));
    const noEmail = await queueFor(s, "nobody", { first_name: "Nobody" });

    // twice at once, as a retried walk racing the first would: the claim lets each message through once
    const [first, second] = await Promise.all([
      deliverQueuedNow([...ids, noEmail]),
      deliverQueuedNow([...ids, noEmail]),
    ]);
    expect(first).toEqual([]);
    expect(second).toEqual([]);
    for (const id of ids) {
      expect(await db().outboxEmail.count({ where: { messageId: id } })).toBe(1);
      expect((await messageRow(id)).status).toBe("DELIVERED");
    }
    const settled = await messageRow(noEmail);
    expect(settled.status).toBe("SUPPRESSED");
    expect(settled.statusReason).toMatch(/email/i);

    // a third pass (a replayed walk) sends nothing more
    expect(await deliverQueuedNow(ids)).toEqual([]);
    for (const id of ids) expect(await db().outboxEmail.count({ where: { messageId: id } })).toBe(1);
  });

  it("hands on to deliver-message the ones whose delivery threw", async () => {
    // not a message id at all: the lookup itself fails, as a database error would
    expect(await deliverQueuedNow(["not-a-uuid"])).toEqual(["not-a-uuid"]);
  });
});
