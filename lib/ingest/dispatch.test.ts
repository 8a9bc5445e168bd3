import { describe, expect, it } from "vitest";
import { handOffsOf, MAX_EVENTS_PER_HANDOFF } from "./dispatch";

const row = (id: number, workspaceId: string, events: number) => ({
  id: String(id),
  workspaceId,
  eventIds: Array.from({ length: events }, (_, i) => `${id}${String(i).padStart(4, "0")}`),
});

describe("grouping pending ingest log rows into hand-offs", () => {
  it("sends a lone row as it always was: its own id, its own events", () => {
    expect(handOffsOf([row(7, "w1", 2)])).toEqual([
      { id: "cairn-dispatch-7", workspaceId: "w1", eventIds: ["70000", "70001"] },
    ]);
  });

  it("puts the rows of one workspace that piled up into one hand-off, events in row order", () => {
    const [handOff, ...rest] = handOffsOf([row(1, "w1", 1), row(2, "w1", 2), row(3, "w1", 1)]);
    expect(rest).toEqual([]);
    expect(handOff.eventIds).toEqual(["10000", "20000", "20001", "30000"]);
    expect(handOff.id).toMatch(/^cairn-dispatch-1-3-[0-9a-f]{16}$/);
  });

  it("keeps workspaces apart, also when their rows interleave", () => {
    const handOffs = handOffsOf([row(1, "w1", 1), row(2, "w2", 1), row(3, "w1", 1), row(4, "w2", 1)]);
    expect(handOffs.map((h) => [h.workspaceId, h.eventIds])).toEqual([
      ["w1", ["10000", "30000"]],
      ["w2", ["20000", "40000"]],
    ]);
  });

  it("names a hand-off by exactly its rows: the same rows read again get the same id, one more row a new one", () => {
    const first = handOffsOf([row(1, "w1", 1), row(2, "w1", 1), row(4, "w1", 1)])[0].id;
    expect(handOffsOf([row(1, "w1", 1), row(2, "w1", 1), row(4, "w1", 1)])[0].id).toBe(first);
    // The same first and last row with another row between (a row another dispatcher had not marked yet).
    expect(handOffsOf([row(1, "w1", 1), row(2, "w1", 1), row(3, "w1", 1), row(4, "w1", 1)])[0].id).not.toBe(first);
  });

  it(`starts a new hand-off before one would carry more than ${MAX_EVENTS_PER_HANDOFF} events, and never splits a row`, () => {
    const half = MAX_EVENTS_PER_HANDOFF / 2;
    const handOffs = handOffsOf([
      row(1, "w1", half),
      row(2, "w1", half),
      row(3, "w1", 1),
      row(4, "w1", MAX_EVENTS_PER_HANDOFF + 5),
    ]);
    expect(handOffs.map((h) => h.eventIds.length)).toEqual([MAX_EVENTS_PER_HANDOFF, 1, MAX_EVENTS_PER_HANDOFF + 5]);
    expect(handOffs[1].id).toBe("cairn-dispatch-3");
  });
});
