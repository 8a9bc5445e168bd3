/**
 * A person's path shows template names and versions and formatted times, never the template ids and ISO
 * timestamps the engine records its decisions with.
 */
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { ProfileEnrollment } from "@/lib/engine/read-model";
import { ProfileJourneys } from "./profile-journeys";

const TEMPLATE = "5f0c2a9e-1b7d-4c3e-9a21-7d8e6f5a4b3c";
const GONE = "0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6";
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const ISO = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

const enrollment: ProfileEnrollment = {
  enrollmentId: "00000000-0000-4000-8000-000000000001",
  journeyId: "00000000-0000-4000-8000-000000000002",
  journeyName: "Welcome",
  version: 2,
  status: "WAITING",
  enteredAt: "2026-04-06T10:00:00.000Z",
  endedAt: null,
  endReason: null,
  currentNodeId: "wait",
  waiting: { until: "2026-04-08T10:00:00.000Z" },
  trigger: { name: "signed_up" },
  conversion: null,
  steps: [
    {
      nodeId: "t",
      nodeType: "trigger.event",
      label: "trigger.event",
      enteredAt: "2026-04-06T10:00:00.000Z",
      leftAt: "2026-04-06T10:00:00.000Z",
      exit: "next",
      exitLabel: null,
      inputs: {},
      outcome: "Entered from signed_up",
    },
    {
      nodeId: "mail",
      nodeType: "action.email",
      label: "Say hello",
      enteredAt: "2026-04-06T10:00:01.000Z",
      leftAt: "2026-04-06T10:00:01.000Z",
      exit: "next",
      exitLabel: null,
      inputs: { channel: "email", templateId: TEMPLATE },
      outcome: `Queued email message (template ${TEMPLATE})`,
    },
    {
      nodeId: "sms",
      nodeType: "action.sms",
      label: "action.sms",
      enteredAt: "2026-04-06T10:00:02.000Z",
      leftAt: "2026-04-06T10:00:02.000Z",
      exit: "next",
      exitLabel: null,
      inputs: { channel: "sms", templateId: GONE },
      outcome: `Queued sms message (template ${GONE})`,
    },
    {
      nodeId: "wait",
      nodeType: "delay.duration",
      label: "Two days",
      enteredAt: "2026-04-06T10:00:03.000Z",
      leftAt: null,
      exit: null,
      exitLabel: null,
      inputs: { duration: { amount: 2, unit: "days" } },
      outcome: "Waiting 2 days, until 2026-04-08T10:00:00.000Z",
    },
  ],
  graph: { nodes: [{ id: "wait", type: "delay.duration", label: "Two days", position: { x: 0, y: 0 } }], edges: [] },
};

const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, " ")
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, " ");

describe("a person's path through a journey", () => {
  it("names templates with the version sent and writes times in one format with the zone, no ids or ISO strings", () => {
    const html = renderToStaticMarkup(
      createElement(ProfileJourneys, {
        slug: "acme",
        enrollments: [enrollment],
        templates: { names: { [TEMPLATE]: "Hello email" }, sentVersions: { [`${enrollment.enrollmentId}:mail`]: 3 } },
      }),
    );
    const shown = text(html);
    expect(shown).not.toMatch(UUID);
    expect(shown).not.toMatch(ISO);
    expect(shown).toContain("Queued email message (template “Hello email” v3)");
    expect(shown).toContain("Queued sms message (a deleted template)");
    expect(shown).toContain("Waiting 2 days, until 8 Apr 2026, 10:00 (UTC)");
    expect(shown).toContain("Entered 6 Apr 2026, 10:00 (UTC)");
    // the decision's inputs, behind "Show what the decision looked at", name the template too
    expect(shown).toContain('"template": "Hello email v3"');
  });
});
