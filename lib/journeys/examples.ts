import type { TJourneyGraphInput } from "./graph";

/**
 * The abandoned-cart journey: someone updates their cart; if they have not checked out that same cart
 * within 30 minutes, they get a reminder; three days later, if they still have not ordered, a discount.
 * Ordering at any point counts as the goal. It is the example of docs/journey-schema.md (a test keeps the
 * two identical) and the journey the canvas and engine tests build.
 */
export const ABANDONED_CART: TJourneyGraphInput = {
  nodes: [
    {
      id: "trigger",
      type: "trigger.event",
      position: { x: 0, y: 0 },
      label: "Cart updated",
      config: { eventName: "cart_updated", filters: [] },
    },
    {
      id: "wait_checkout",
      type: "wait_for_event",
      position: { x: 0, y: 140 },
      label: "Checked out within 30 minutes?",
      config: {
        eventName: "checkout_completed",
        timeout: { amount: 30, unit: "minutes" },
        match: { property: "cartId", triggerProperty: "cartId" },
      },
    },
    { id: "checked_out", type: "exit", position: { x: -260, y: 280 }, label: "Checked out", config: {} },
    {
      id: "reminder",
      type: "action.email",
      position: { x: 260, y: 280 },
      label: "You left something",
      config: { templateId: "tpl_cart_reminder" },
    },
    {
      id: "wait_3_days",
      type: "delay.duration",
      position: { x: 260, y: 420 },
      label: "Wait 3 days",
      config: { duration: { amount: 3, unit: "days" } },
    },
    {
      id: "has_ordered",
      type: "condition",
      position: { x: 260, y: 560 },
      label: "Has ordered?",
      config: {
        rules: {
          match: "all",
          rules: [{ kind: "performed", eventName: "order_completed", performed: true, withinDays: 3 }],
        },
      },
    },
    { id: "done", type: "exit", position: { x: 0, y: 700 }, label: "Already ordered", config: {} },
    {
      id: "discount",
      type: "action.email",
      position: { x: 520, y: 700 },
      label: "Here is 10% off",
      config: { templateId: "tpl_cart_discount" },
    },
    {
      id: "ordered",
      type: "goal",
      position: { x: 520, y: 840 },
      label: "Order completed",
      config: { eventName: "order_completed" },
    },
  ],
  edges: [
    { id: "e1", source: "trigger", target: "wait_checkout" },
    { id: "e2", source: "wait_checkout", target: "checked_out", branch: "arrived" },
    { id: "e3", source: "wait_checkout", target: "reminder", branch: "timed_out" },
    { id: "e4", source: "reminder", target: "wait_3_days" },
    { id: "e5", source: "wait_3_days", target: "has_ordered" },
    { id: "e6", source: "has_ordered", target: "done", branch: "yes" },
    { id: "e7", source: "has_ordered", target: "discount", branch: "no" },
    { id: "e8", source: "discount", target: "ordered" },
  ],
  settings: {
    reentry: { mode: "after", days: 7 },
    exitEvents: ["unsubscribed"],
    goal: { eventName: "order_completed", attributionHours: 72 },
    frequencyCaps: true,
  },
};
