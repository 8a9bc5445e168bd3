import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../testing/free-port";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "./embedded";

describe("the embedded database's wire server", () => {
  let server: EmbeddedPostgres;
  beforeAll(async () => {
    server = await startEmbeddedPostgres({ port: await freePort() });
    const setup = new pg.Client({ connectionString: server.url });
    await setup.connect();
    await setup.query("CREATE TABLE items (id int primary key, label text)");
    await setup.end();
  }, 60_000);
  afterAll(() => server.stop());

  it("keeps parallel parameterised queries of many connections apart", async () => {
    const pool = new pg.Pool({ connectionString: server.url, max: 8 });
    // Different parameter counts on the unnamed statement: interleaved Parse/Bind would fail loudly.
    const queries = Array.from({ length: 200 }, (_, i) =>
      i % 2 ? pool.query("SELECT $1::int + $2::int AS v", [i, 1]).then((r) => r.rows[0].v === i + 1) : pool.query("SELECT $1::int AS v", [i]).then((r) => r.rows[0].v === i),
    );
    expect((await Promise.all(queries)).every(Boolean)).toBe(true);
    await pool.end();
  });

  it("isolates a transaction from other connections until it ends", async () => {
    const a = new pg.Client({ connectionString: server.url });
    const b = new pg.Client({ connectionString: server.url });
    await Promise.all([a.connect(), b.connect()]);
    await a.query("BEGIN");
    await a.query("INSERT INTO items VALUES (1, 'from a')");
    let bSaw: number | null = null;
    const bRead = b.query("SELECT count(*)::int AS n FROM items").then((r) => (bSaw = r.rows[0].n));
    await new Promise((r) => setTimeout(r, 50));
    expect(bSaw).toBeNull(); // b waits while a is inside its transaction
    await a.query("COMMIT");
    await bRead;
    expect(bSaw).toBe(1);
    await Promise.all([a.end(), b.end()]);
  });

  it("rolls back the transaction of a client that vanishes", async () => {
    const a = new pg.Client({ connectionString: server.url });
    await a.connect();
    await a.query("BEGIN");
    await a.query("INSERT INTO items VALUES (2, 'never committed')");
    a.on("error", () => {}); // the client reports its own broken connection; expected here
    (a as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    const b = new pg.Client({ connectionString: server.url });
    await b.connect();
    const { rows } = await b.query("SELECT id FROM items ORDER BY id");
    expect(rows).toEqual([{ id: 1 }]);
    await b.end();
  });

  it("keeps each connection's named statements its own, and deallocates them when the connection goes", async () => {
    const a = new pg.Client({ connectionString: server.url });
    const b = new pg.Client({ connectionString: server.url });
    await Promise.all([a.connect(), b.connect()]);
    // The same name on two connections, with different texts: one shared session would refuse the second
    // Parse ("already exists") or run the first connection's text for the second.
    const [fromA, fromB] = await Promise.all([
      a.query({ name: "same", text: "SELECT $1::int * 10 AS v", values: [2] }),
      b.query({ name: "same", text: "SELECT $1::int + 10 AS v", values: [2] }),
    ]);
    expect([fromA.rows[0].v, fromB.rows[0].v]).toEqual([20, 12]);
    // Executed again, by name only (node-postgres sends no second Parse): each still gets its own.
    const again = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).query({ name: "same", text: i % 2 ? "SELECT $1::int * 10 AS v" : "SELECT $1::int + 10 AS v", values: [i] })));
    expect(again.map((r) => r.rows[0].v)).toEqual(Array.from({ length: 20 }, (_, i) => (i % 2 ? i * 10 : i + 10)));
    const prepared = async (client: pg.Client) => (await client.query("SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name LIKE 'c%\\_same'")).rows[0].n;
    expect(await prepared(b)).toBe(2);

    await a.end();
    const c = new pg.Client({ connectionString: server.url });
    await c.connect();
    for (let i = 0; i < 50 && (await prepared(c)) !== 1; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await prepared(c)).toBe(1);
    await Promise.all([b.end(), c.end()]);
  });

  it("serves pools that prepare their repeated statements (lib/db/prepared.ts), many connections at once", async () => {
    const { prepareRepeatedStatements } = await import("./prepared");
    const pool = new pg.Pool({ connectionString: server.url, max: 6 });
    pool.on("connect", (client) => prepareRepeatedStatements(client));
    const results = await Promise.all(Array.from({ length: 120 }, (_, i) => pool.query("SELECT $1::int * 3 AS v, $2::text AS t", [i, "x"])));
    expect(results.map((r) => r.rows[0].v)).toEqual(Array.from({ length: 120 }, (_, i) => i * 3));
    await pool.end();
  });
});
