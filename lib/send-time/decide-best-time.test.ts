import { describe, expect, it } from "vitest";
import { decideNode, type NodeInput } from "../engine/interpreter";
import type { TNode } from "../journeys/graph";
import type { SendTimeFacts } from "./best-time";

/** The interpreter's decisions at a best-time step (lib/engine/interpreter.ts), from the facts the walk loads. */

const now = new Date("2026-06-10T12:00:00Z"); // Wednesday 14:00 in Paris (CEST)
const WEDNESDAY = 2 * 24;

function facts(ownHour: number | null, workspacePeak = WEDNESDAY + 20): SendTimeFacts {
  const weights = Array.from({ length: 168 }, (_, h) => (h === workspacePeak ? 40 : 1));
  return {
    own: ownHour === null ? null : { weights: { [ownHour]: 8 }, total: 8, engagements: 8, asOf: now },
    workspace: { weights, total: weights.reduce((a, b) => a + b, 0), people: 12 },
    workspaceTimeZone: "UTC",
  };
}

function input(overrides: Partial<NodeInput> = {}): NodeInput {
  return {
    journeyId: "j1",
    enrollmentId: "e1",
    person: {
      profileId: "p1",
      userId: "u1",
      email: "a@example.com",
      phone: null,
      timezone: "Europe/Paris",
      traits: {},
    },
    trigger: { name: "signed_up", properties: {}, timestamp: now.toISOString() },
    facts: { performed: () => false, inSegment: () => false } as NodeInput["facts"],
    now,
    ...overrides,
  };
}

const node = (type: TNode["type"], config: Record<string, unknown>): TNode => ({
  id: "n1",
  type,
  position: { x: 0, y: 0 },
  config,
});

describe("message steps with a send time", () => {
  it("at the best time: queued with sendAfter, the trace saying when and why", () => {
    const d = decideNode(
      node("action.email", { templateId: "tpl-1", sendTime: { mode: "best", within: "24h" } }),
      input({ sendTime: facts(WEDNESDAY + 18) }),
    );
    expect(d).toMatchObject({
      kind: "message",
      channel: "email",
      templateId: "tpl-1",
      sendAfter: new Date("2026-06-10T16:00:00Z"), // 18:00 in Paris
      inputs: {
        channel: "email",
        templateId: "tpl-1",
        sendTime: { within: "24h", source: "own", hourOfWeek: WEDNESDAY + 18, timeZone: "Europe/Paris" },
      },
    });
    expect((d as { outcome: string }).outcome).toMatch(
      /^Queued email message \(template tpl-1\) for 2026-06-10T16:00:00.000Z, the best time\. Their own history/,
    );
  });

  it("at once (the default, or mode now): no sendAfter, the trace as before", () => {
    for (const config of [{ templateId: "tpl-1" }, { templateId: "tpl-1", sendTime: { mode: "now" } }]) {
      const d = decideNode(node("action.sms", config), input({ sendTime: facts(WEDNESDAY + 18) }));
      expect(d).toEqual({
        kind: "message",
        channel: "sms",
        templateId: "tpl-1",
        topicId: null,
        outcome: "Queued sms message (template tpl-1)",
        inputs: { channel: "sms", templateId: "tpl-1" },
      });
    }
  });

  it("a person without a zone is timed in the workspace's", () => {
    const d = decideNode(
      node("action.push", { templateId: "tpl-1", sendTime: { mode: "best", within: "24h" } }),
      input({ person: { ...input().person, timezone: null }, sendTime: facts(WEDNESDAY + 18) }),
    );
    expect(d).toMatchObject({ sendAfter: new Date("2026-06-10T18:00:00Z"), inputs: { sendTime: { timeZone: "UTC" } } });
  });

  it("held out: nothing queued, the trace says when it would have gone", () => {
    const d = decideNode(
      node("action.email", { templateId: "tpl-1", sendTime: { mode: "best", within: "24h" } }),
      input({ sendTime: facts(WEDNESDAY + 18), heldOutBy: "ab" }),
    );
    expect(d).toMatchObject({ kind: "withheld", effect: "message" });
    expect((d as { outcome: string }).outcome).toMatch(
      /would have sent .* at 2026-06-10T16:00:00.000Z; nothing was sent/,
    );
  });

  it("a best time that is the current hour sends at once", () => {
    const d = decideNode(
      node("action.in_app", { templateId: "tpl-1", sendTime: { mode: "best", within: "7d" } }),
      input({ sendTime: facts(WEDNESDAY + 14) }),
    );
    expect(d).toMatchObject({ kind: "message", inputs: { sendTime: { at: now.toISOString(), source: "own" } } });
    expect(d).not.toHaveProperty("sendAfter");
  });
});

describe("delay.best_time", () => {
  it("waits until the best time within the window", () => {
    const d = decideNode(node("delay.best_time", { within: "7d" }), input({ sendTime: facts(null) }));
    expect(d).toMatchObject({
      kind: "wait",
      wakeAt: new Date("2026-06-10T18:00:00Z"), // the workspace's Wednesday 20:00, in Paris
      timeoutExit: "next",
      inputs: { within: "7d", source: "workspace", hourOfWeek: WEDNESDAY + 20, engagements: 0 },
    });
  });

  it("goes on at once when nothing is known yet, and says so", () => {
    const d = decideNode(node("delay.best_time", { within: "24h" }), input());
    expect(d).toMatchObject({ kind: "continue", exit: "next", inputs: { source: "none", hourOfWeek: null } });
    expect((d as { outcome: string }).outcome).toMatch(/^Best time is now\. No engagement history in this workspace/);
  });
});
