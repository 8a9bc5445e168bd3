import net from "node:net";
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
      i % 2
        ? pool.query("SELECT $1::int + $2::int AS v", [i, 1]).then((r) => r.rows[0].v === i + 1)
        : pool.query("SELECT $1::int AS v", [i]).then((r) => r.rows[0].v === i),
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
    const again = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? a : b).query({
          name: "same",
          text: i % 2 ? "SELECT $1::int * 10 AS v" : "SELECT $1::int + 10 AS v",
          values: [i],
        }),
      ),
    );
    expect(again.map((r) => r.rows[0].v)).toEqual(Array.from({ length: 20 }, (_, i) => (i % 2 ? i * 10 : i + 10)));
    const prepared = async (client: pg.Client) =>
      (await client.query("SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name LIKE 'c%\\_same'")).rows[0]
        .n;
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
    const results = await Promise.all(
      Array.from({ length: 120 }, (_, i) => pool.query("SELECT $1::int * 3 AS v, $2::text AS t", [i, "x"])),
    );
    expect(results.map((r) => r.rows[0].v)).toEqual(Array.from({ length: 120 }, (_, i) => i * 3));
    await pool.end();
  });

  describe("password authentication (SCRAM-SHA-256)", () => {
    const withPassword = (password: string) => {
      const url = new URL(server.url);
      url.password = encodeURIComponent(password);
      return url.toString();
    };
    const refusal = async (connectionString: string) => {
      const client = new pg.Client({ connectionString });
      client.on("error", () => {});
      try {
        await client.connect();
      } catch (error) {
        return error as Error & { code?: string };
      } finally {
        await client.end().catch(() => {});
      }
      return null;
    };

    it("lets in a client that knows the password (the URL startEmbeddedPostgres returns carries it)", async () => {
      expect(new URL(server.url).password.length).toBeGreaterThanOrEqual(24);
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      expect((await client.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
      await client.end();
    });

    it("refuses a wrong or empty password with 28P01, whatever the user name", async () => {
      const wrong = await refusal(withPassword("postgres"));
      expect(wrong).toMatchObject({ code: "28P01", message: 'password authentication failed for user "postgres"' });
      const otherUser = new URL(withPassword("nope"));
      otherUser.username = "admin";
      expect(await refusal(otherUser.toString())).toMatchObject({ code: "28P01" });
      expect(await refusal(withPassword(""))).not.toBeNull();
    });

    it("answers a client that skips authentication with the ErrorResponse, runs none of its queries, and closes the socket", async () => {
      const port = new URL(server.url).port;
      const startup = (() => {
        const params = Buffer.from("user\0postgres\0database\0postgres\0\0", "utf8");
        const message = Buffer.alloc(8 + params.length);
        message.writeInt32BE(message.length, 0);
        message.writeInt32BE(196608, 4);
        params.copy(message, 8);
        return message;
      })();
      const sql = Buffer.from("DROP TABLE items\0", "utf8");
      const query = Buffer.alloc(5 + sql.length);
      query[0] = 0x51;
      query.writeInt32BE(4 + sql.length, 1);
      sql.copy(query, 5);
      // The startup, then a query as if it were already in: the server must ask for SASL and refuse the query.
      const received = await new Promise<Buffer>((resolve, reject) => {
        const socket = net.connect(Number(port), "127.0.0.1", () =>
          socket.write(Buffer.concat([startup, query, query])),
        );
        const chunks: Buffer[] = [];
        socket.on("data", (chunk) => chunks.push(chunk));
        socket.on("error", reject);
        socket.on("close", () => resolve(Buffer.concat(chunks)));
      });
      expect(received[0]).toBe(0x52); // AuthenticationSASL
      expect(received.readInt32BE(5)).toBe(10);
      const error = received.subarray(received.indexOf(0x45, 9));
      expect(error.toString("utf8")).toContain("C28P01");
      const check = new pg.Client({ connectionString: server.url });
      await check.connect();
      expect((await check.query("SELECT count(*)::int AS n FROM items")).rows[0].n).toBeGreaterThanOrEqual(0);
      await check.end();
    });
  });
});
