/**
 * A person's journey card says "converted" exactly when the journey's conversion count counts them: when the
 * enrollment has a Conversion row (lib/engine/read-model.ts), also one recorded after the journey ended within
 * the goal's attribution window; never from the status alone.
 */
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { ProfileEnrollment } from "@/lib/engine/read-model";
import { ProfileJourneys } from "./profile-journeys";

function enrollment(overrides: Partial<ProfileEnrollment>): ProfileEnrollment {
  return {
    enrollmentId: "00000000-0000-4000-8000-000000000001",
    journeyId: "00000000-0000-4000-8000-000000000002",
    journeyName: "Welcome",
    version: 1,
    status: "COMPLETED",
    enteredAt: "2026-04-06T10:00:00.000Z",
    endedAt: "2026-04-07T11:00:00.000Z",
    endReason: "Exited at end",
    currentNodeId: "end",
    waiting: null,
    trigger: { name: "signed_up" },
    conversion: null,
    steps: [],
    graph: { nodes: [{ id: "end", type: "exit", label: null, position: { x: 0, y: 0 } }], edges: [] },
    ...overrides,
  };
}

const card = (e: ProfileEnrollment) =>
  renderToStaticMarkup(createElement(ProfileJourneys, { slug: "acme", enrollments: [e] }));

describe("the profile's journey card", () => {
  it("shows converted for a purchase after the journey ended within the attribution window (a Conversion row)", () => {
    const html = card(
      enrollment({
        conversion: {
          at: "2026-04-08T10:00:00.000Z",
          eventName: "purchased",
          eventId: "7",
          revenue: 19.5,
          afterLeaving: true,
        },
      }),
    );
    expect(html).toContain('data-converted="yes"');
    expect(html).toContain('data-testid="enrollment-converted"');
    expect(html.replace(/<[^>]+>/g, "")).toContain("order value 19.50");
  });

  it("does not for a person without one (bought outside the window), whatever they did later", () => {
    const html = card(enrollment({ conversion: null }));
    expect(html).toContain('data-converted="no"');
    expect(html).not.toContain("enrollment-converted");
  });
});
