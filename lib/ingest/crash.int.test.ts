import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { db } from "../db/client";
import { ingestFixture } from "../testing/ingest-helpers";
import { rollupAllPending } from "./rollup";

function startServer(): Promise<{ child: ChildProcess; url: string }> {
  // `node --import tsx`, not the tsx CLI: the CLI runs the script in a grandchild that SIGKILL would miss.
  const child = spawn(process.execPath, ["--import", "tsx", path.join("lib", "testing", "ingest-server.ts")], {
    env: { ...process.env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`ingest server exited with ${code}`)));
    child.stdout!.on("data", (chunk: Buffer) => {
      const match = chunk.toString().match(/listening (\d+)/);
      if (match) resolve({ child, url: `http://127.0.0.1:${match[1]}` });
    });
  });
}

const BATCHES = 40;
const PER_BATCH = 100;

describe("a server killed in the middle of a burst", () => {
  it("loses no acknowledged event, and retried batches are stored once", async () => {
    const { team, key } = await ingestFixture();
    const batches = Array.from({ length: BATCHES }, (_, b) =>
      Array.from({ length: PER_BATCH }, (_, i) => ({
        type: "track",
        userId: `crash-${i % 13}`,
        anonymousId: `anon-${b}`,
        event: "Burst",
        messageId: `crash-${b}-${i}`,
      })),
    );
    const post = (url: string, batch: unknown[]) =>
      fetch(`${url}/api/v1/batch`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ batch }),
      });

    let server = await startServer();
    onTestFinished(() => void server.child.kill("SIGKILL"));
    const acknowledged = new Set<number>();
    let killed = false;
    // Four clients in parallel; the server is killed (SIGKILL: no cleanup) once a third of the batches are acknowledged.
    const queue = batches.map((_, b) => b);
    const unacknowledged: number[] = [];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let b = queue.shift(); b !== undefined; b = queue.shift()) {
          try {
            const response = await post(server.url, batches[b]);
            if (response.ok) acknowledged.add(b);
            else unacknowledged.push(b);
          } catch {
            unacknowledged.push(b); // connection reset: the client does not know whether it was stored
          }
          if (!killed && acknowledged.size >= BATCHES / 3) {
            killed = true;
            server.child.kill("SIGKILL");
          }
        }
      }),
    );
    expect(killed).toBe(true);
    expect(unacknowledged.length).toBeGreaterThan(0);

    // Every acknowledged message is stored.
    const storedIds = new Set(
      (await db().event.findMany({ where: { workspaceId: team.id }, select: { messageId: true } })).map(
        (e) => e.messageId,
      ),
    );
    for (const b of acknowledged) for (const m of batches[b]) expect(storedIds.has(m.messageId)).toBe(true);

    // After a restart, the clients retry what was not acknowledged; nothing is stored twice.
    server = await startServer();
    onTestFinished(() => void server.child.kill("SIGKILL"));
    for (const b of unacknowledged) expect((await post(server.url, batches[b])).status).toBe(200);
    server.child.kill("SIGTERM");
    expect(await db().event.count({ where: { workspaceId: team.id } })).toBe(BATCHES * PER_BATCH);
    await rollupAllPending();
    const type = await db().eventType.findUniqueOrThrow({
      where: { workspaceId_name: { workspaceId: team.id, name: "Burst" } },
    });
    expect(Number(type.total)).toBe(BATCHES * PER_BATCH);
  }, 120_000);
});
