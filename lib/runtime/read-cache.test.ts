import { describe, expect, it } from "vitest";
import { ReadCache } from "./read-cache";

function counting<V>(value: () => V) {
  const loader = { calls: 0, load: async () => (loader.calls++, value()) };
  return loader;
}

describe("ReadCache", () => {
  it("loads once while fresh, again once the TTL has passed (time given, not waited for)", async () => {
    const cache = new ReadCache<string, number>({ maxEntries: 10, ttlMs: 5_000 });
    let stored = 1;
    const loader = counting(() => stored);
    expect(await cache.get("a", loader.load, 1_000)).toBe(1);
    stored = 2;
    expect(await cache.get("a", loader.load, 5_999)).toBe(1);
    expect(loader.calls).toBe(1);
    expect(await cache.get("a", loader.load, 6_000)).toBe(2);
    expect(loader.calls).toBe(2);
  });

  it("shares one load among callers that miss together, and keeps no failed load", async () => {
    const cache = new ReadCache<string, number>({ maxEntries: 10 });
    const loader = counting(() => 7);
    expect(await Promise.all([cache.get("a", loader.load), cache.get("a", loader.load)])).toEqual([7, 7]);
    expect(loader.calls).toBe(1);
    await expect(cache.get("b", () => Promise.reject(new Error("database down")))).rejects.toThrow("database down");
    expect(await cache.get("b", async () => 8)).toBe(8);
  });

  it("drops the least recently used entry beyond its bound", async () => {
    const cache = new ReadCache<string, string>({ maxEntries: 2 });
    await cache.get("a", async () => "a");
    await cache.get("b", async () => "b");
    await cache.get("a", async () => "a again"); // a is now the most recently used
    await cache.get("c", async () => "c");
    expect(cache.size).toBe(2);
    expect(await cache.get("a", async () => "reloaded")).toBe("a");
    expect(await cache.get("b", async () => "reloaded")).toBe("reloaded");
  });

  it("forgets a deleted entry, and a load under way when it was deleted is not put back", async () => {
    const cache = new ReadCache<string, string>({ maxEntries: 10 });
    let release!: (value: string) => void;
    const racing = cache.get("a", () => new Promise<string>((resolve) => (release = resolve)));
    cache.delete("a"); // a save committed while the read was under way
    release("before the save");
    expect(await racing).toBe("before the save");
    expect(await cache.get("a", async () => "after the save")).toBe("after the save");
    cache.clear((key) => key === "a");
    expect(await cache.get("a", async () => "read again")).toBe("read again");
  });
});
