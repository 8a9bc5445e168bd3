import { describe, expect, it } from "vitest";
import { closestName, editDistance, eventNameReferences, unknownEventWarning } from "./event-name-suggestions";
import { ABANDONED_CART } from "./examples";
import { journeyWarnings, validateJourney } from "./validate";

const CATALOG = ["Order Completed", "Cart Updated", "Checkout Completed", "Product Viewed"];

describe("event names against the catalog", () => {
  it("measures edit distance", () => {
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("Order Completed", "Order Completed")).toBe(0);
    expect(editDistance("Order Complted", "Order Completed")).toBe(1);
  });

  it("suggests the closest catalog name, ignoring case and separators, and nothing far off", () => {
    expect(closestName("Order Complted", CATALOG)).toBe("Order Completed");
    expect(closestName("order_completed", CATALOG)).toBe("Order Completed");
    expect(closestName("Chekout Completed", CATALOG)).toBe("Checkout Completed");
    expect(closestName("Signed Up", CATALOG)).toBeNull();
    expect(closestName("Order Completed", CATALOG)).toBeNull();
  });

  it("warns about a name never seen, with a did-you-mean when one is close", () => {
    expect(unknownEventWarning("Order Complted", CATALOG)).toBe(
      "no event named 'Order Complted' has arrived; did you mean 'Order Completed'?",
    );
    expect(unknownEventWarning("Signed Up", CATALOG)).toMatch(/^no event named 'Signed Up' has arrived yet/);
    expect(unknownEventWarning("Order Completed", CATALOG)).toBeNull();
  });

  it("finds every event name a journey refers to", () => {
    expect(eventNameReferences(ABANDONED_CART as never)).toEqual([
      { nodeId: "trigger", path: "config.eventName", eventName: "cart_updated" },
      { nodeId: "wait_checkout", path: "config.eventName", eventName: "checkout_completed" },
      { nodeId: "has_ordered", path: "config.rules.rules.0.eventName", eventName: "order_completed" },
      { nodeId: "ordered", path: "config.eventName", eventName: "order_completed" },
      { path: "settings.goal.eventName", eventName: "order_completed" },
      { path: "settings.exitEvents.0", eventName: "unsubscribed" },
    ]);
  });
});

describe("journey warnings (not problems: publishing stays possible)", () => {
  const graph = () => validateJourney(ABANDONED_CART).graph!;

  it("flags each unknown event name where it is used, with the closest catalog name", () => {
    const warnings = journeyWarnings(graph(), ["cart_updated", "checkout_completed", "order_completed", "unsubscribe"]);
    expect(warnings).toEqual([
      {
        path: "settings.exitEvents.0",
        message: "no event named 'unsubscribed' has arrived; did you mean 'unsubscribe'?",
      },
    ]);
    // Without a catalog (not loaded yet), no name warnings at all.
    expect(journeyWarnings(graph())).toEqual([]);
  });

  it("warns when a wait's event is also a goal step's, the ending goal's or an exit event, and not when the goal lets people continue", () => {
    const g = graph();
    const wait = g.nodes.find((n) => n.id === "wait_checkout")!;
    wait.config = { ...wait.config, eventName: "order_completed" };
    const onWait = (w: ReturnType<typeof journeyWarnings>) =>
      w.filter((x) => x.nodeId === "wait_checkout").map((x) => x.message);
    expect(onWait(journeyWarnings(g))).toEqual([
      "this wait's event is also the goal step “Order completed”'s: people who do order_completed reach the goal and end the journey, so its “Arrived” path is never taken; wait for another event",
    ]);
    // The warnings never become problems.
    expect(validateJourney(g, {}).problems).toEqual([]);

    g.nodes = g.nodes.filter((n) => n.type !== "goal");
    expect(onWait(journeyWarnings(g))[0]).toMatch(
      /^this wait's event is also the goal's: people who do order_completed reach the goal and leave the journey/,
    );
    g.settings.goal = { ...g.settings.goal!, onConversion: "continue" };
    expect(onWait(journeyWarnings(g))).toEqual([]);

    g.settings.exitEvents = ["order_completed"];
    expect(onWait(journeyWarnings(g))[0]).toMatch(/^this wait's event is also an exit event/);
  });

  it("says nothing when the wait's event is neither a goal nor an exit event", () => {
    expect(journeyWarnings(graph(), ["cart_updated", "checkout_completed", "order_completed", "unsubscribed"])).toEqual(
      [],
    );
  });
});
