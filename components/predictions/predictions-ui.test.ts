/**
 * What the Predictions pages say in words: the question a prediction asks, and a person's card (score, tier and
 * the reasons in the direction they push the score).
 */
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { ProfilePrediction } from "@/lib/predictions/store/profile-predictions";
import { ProfilePredictions } from "./profile-predictions";
import { questionOf } from "./question";

const text = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");

describe("questionOf", () => {
  it("says what a propensity asks, with its filters", () => {
    expect(
      questionOf({ kind: "propensity", horizonDays: 14, target: { eventName: "Order Completed", filters: [] } }),
    ).toBe("Will the person do Order Completed in the next 14 days?");
    expect(
      questionOf({
        kind: "propensity",
        horizonDays: 1,
        target: {
          eventName: "Order Completed",
          filters: [
            { property: "total", operator: "gte", value: 50 },
            { property: "coupon", operator: "exists" },
          ],
        },
      }),
    ).toBe("Will the person do Order Completed (where total is at least 50 and coupon exists) in the next 1 day?");
  });

  it("says what a churn asks", () => {
    expect(
      questionOf({ kind: "churn", horizonDays: 30, target: { eventNames: ["Order Completed", "Session Started"] } }),
    ).toBe("Will the person do none of Order Completed, Session Started in the next 30 days?");
  });
});

describe("the profile page's Predictions card", () => {
  const churn: ProfilePrediction = {
    predictionId: "00000000-0000-4000-8000-000000000001",
    name: "Churn risk",
    kind: "churn",
    score: 82,
    tier: "high",
    probability: 0.82,
    scoredAt: "2026-12-01T00:00:00.000Z",
    reasons: [
      { feature: "recency_days", label: "Days since the last event", value: 41, contribution: 1.2 },
      {
        feature: "events.Order Completed.count_90d",
        label: "Order Completed in the last 90 days",
        value: 0.5,
        contribution: -0.4,
      },
    ],
  };

  it("shows each score, tier and reason, with the direction it pushes the score", () => {
    const html = renderToStaticMarkup(createElement(ProfilePredictions, { slug: "acme", predictions: { churn } }));
    expect(text(html)).toContain("Churn risk 82 high");
    expect(text(html)).toContain("profile.predictions.churn");
    expect(html).toContain('href="/w/acme/predictions/00000000-0000-4000-8000-000000000001"');
    const raises = html.indexOf('aria-label="raises the score"');
    const lowers = html.indexOf('aria-label="lowers the score"');
    expect(raises).toBeGreaterThan(-1);
    expect(lowers).toBeGreaterThan(raises);
    expect(text(html)).toContain("Days since the last event 41");
    expect(text(html)).toContain("Order Completed in the last 90 days 0.50");
  });

  it("says why there is no score", () => {
    const html = renderToStaticMarkup(createElement(ProfilePredictions, { slug: "acme", predictions: {} }));
    expect(text(html)).toContain("No scores for this person");
  });
});
