import net from "node:net";
import type { PGlite } from "@electric-sql/pglite";

/**
 * Serves one PGlite database over the Postgres wire protocol to many client connections.
 *
 * Why not @electric-sql/pglite-socket's server: it queues each protocol *message* on its own, so the
 * Parse/Bind/Execute/Sync messages of two connections interleave in PGlite's single backend session,
 * and one connection's Bind lands on another's unnamed statement ("bind message supplies 3 parameters,
 * but prepared statement requires 2", "portal does not exist") as soon as clients run queries in
 * parallel. Cairn's crash test (lib/ingest/crash.int.test.ts) caught it.
 *
 * Here, a connection's messages are grouped into units that end at Sync (extended protocol) or are a
 * simple Query, and units run one at a time. A connection that is inside a transaction, or that flushed
 * mid-sequence without Sync, keeps the database until it is done, so transactions stay isolated.
 * When a connection drops inside a transaction, the transaction is rolled back.
 *
 * Named (prepared) statements live in PGlite's one session too, so two connections preparing the same name
 * would collide ("prepared statement already exists") and one could run the other's. Each connection's
 * statement names are prefixed with the connection's number in Parse, Bind, Describe and Close, and the
 * statements a connection prepared are deallocated when it goes.
 */
const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const SYNC = 0x53; // 'S'
const QUERY = 0x51; // 'Q'
const FLUSH = 0x48; // 'H'
const TERMINATE = 0x58; // 'X'
const PARSE = 0x50; // 'P'
const BIND = 0x42; // 'B'
const DESCRIBE = 0x44; // 'D'
const CLOSE = 0x43; // 'C'
const STATEMENT = 0x53; // 'S': Describe/Close of a statement (not a portal)

let connectionNumber = 0;

class Connection {
  buffer: Buffer = Buffer.alloc(0);
  started = false;
  pending: Buffer[] = [];
  closed = false;
  /** this connection's statement names, as PGlite knows them */
  readonly statements = new Set<string>();
  readonly prefix = `c${++connectionNumber}_`;
  constructor(readonly socket: net.Socket) {}
}

/** The NUL-terminated string at `at`, and where the bytes after it start. */
function cstring(message: Buffer, at: number): { value: string; end: number } {
  const nul = message.indexOf(0, at);
  return { value: message.toString("utf8", at, nul), end: nul + 1 };
}

/** `message` with the statement name at [from, to) replaced by `name` (NUL included), its length fixed. */
function withName(message: Buffer, from: number, to: number, name: string): Buffer {
  const rebuilt = Buffer.concat([message.subarray(0, from), Buffer.from(`${name}\0`, "utf8"), message.subarray(to)]);
  rebuilt.writeInt32BE(rebuilt.length - 1, 1);
  return rebuilt;
}

/** A frontend message with the connection's named statement (if any) renamed to the connection's own. */
function renameStatement(connection: Connection, message: Buffer): Buffer {
  const type = message[0];
  let at: number;
  if (type === PARSE) at = 5;
  else if (type === BIND) at = cstring(message, 5).end; // after the portal name
  else if ((type === DESCRIBE || type === CLOSE) && message[5] === STATEMENT) at = 6;
  else return message;
  const { value, end } = cstring(message, at);
  if (!value) return message; // the unnamed statement: each unit runs alone, so it is never shared
  const name = connection.prefix + value;
  if (type === PARSE) connection.statements.add(name);
  if (type === CLOSE) connection.statements.delete(name);
  return withName(message, at, end, name);
}

interface Unit {
  /** null: the server's own housekeeping (its output is discarded) */
  connection: Connection | null;
  messages: Buffer[];
}

/** A simple-protocol Query message. */
function queryMessage(sql: string): Buffer {
  const text = Buffer.from(`${sql}\0`, "utf8");
  const message = Buffer.alloc(5 + text.length);
  message[0] = QUERY;
  message.writeInt32BE(4 + text.length, 1);
  text.copy(message, 5);
  return message;
}

export class PGliteWireServer {
  private server: net.Server;
  private readonly connections = new Set<Connection>();
  private queue: Unit[] = [];
  private running = false;
  /** The connection that holds the database: inside a transaction, or between a Flush and its Sync. */
  private owner: Connection | null = null;
  /** Set by close(): the sockets it destroys report their 'close' after the caller may have closed PGlite. */
  private closing = false;

  constructor(private readonly db: PGlite) {
    this.server = net.createServer((socket) => this.accept(socket));
  }

  listen(port: number, host: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const connection of this.connections) connection.socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    // Let a unit that is running finish before the caller closes PGlite.
    while (this.running) await new Promise((r) => setTimeout(r, 10));
  }

  private accept(socket: net.Socket): void {
    socket.setNoDelay(true);
    const connection = new Connection(socket);
    this.connections.add(connection);
    socket.on("data", (chunk: Buffer) => this.receive(connection, chunk));
    socket.on("error", () => socket.destroy());
    socket.on("close", () => void this.drop(connection));
  }

  private receive(connection: Connection, chunk: Buffer): void {
    connection.buffer = connection.buffer.length ? Buffer.concat([connection.buffer, chunk]) : chunk;
    for (;;) {
      const buffer = connection.buffer;
      if (!connection.started) {
        if (buffer.length < 8) return;
        const length = buffer.readInt32BE(0);
        const code = buffer.readInt32BE(4);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          connection.socket.write("N"); // no TLS on a loopback-only embedded server
          connection.buffer = buffer.subarray(8);
          continue;
        }
        if (buffer.length < length) return;
        connection.buffer = buffer.subarray(length);
        if (code === CANCEL_REQUEST) continue; // not supported; the query simply runs to its end
        connection.started = true;
        this.enqueue({ connection, messages: [buffer.subarray(0, length)] });
        continue;
      }
      if (buffer.length < 5) return;
      const length = 1 + buffer.readInt32BE(1);
      if (buffer.length < length) return;
      const message = renameStatement(connection, buffer.subarray(0, length));
      connection.buffer = buffer.subarray(length);
      const type = message[0];
      if (type === TERMINATE) {
        connection.socket.end();
        return;
      }
      connection.pending.push(message);
      if (type === SYNC || type === QUERY || type === FLUSH) {
        this.enqueue({ connection, messages: connection.pending });
        connection.pending = [];
      }
    }
  }

  private enqueue(unit: Unit): void {
    this.queue.push(unit);
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (;;) {
        const index = this.owner ? this.queue.findIndex((u) => u.connection === this.owner) : this.queue.length ? 0 : -1;
        if (index === -1) return;
        const [unit] = this.queue.splice(index, 1);
        if (unit.connection?.closed) continue;
        const socket = unit.connection?.socket;
        try {
          await this.db.runExclusive(async () => {
            for (const message of unit.messages) {
              await this.db.execProtocolRawStream(new Uint8Array(message), { onRawData: (data) => socket?.writable && socket.write(data) });
            }
          });
        } catch {
          socket?.destroy();
        }
        const last = unit.messages[unit.messages.length - 1][0];
        this.owner = this.db.isInTransaction() || last === FLUSH ? unit.connection : null;
      }
    } finally {
      this.running = false;
    }
  }

  private async drop(connection: Connection): Promise<void> {
    connection.closed = true;
    this.connections.delete(connection);
    this.queue = this.queue.filter((u) => u.connection !== connection);
    if (this.closing) return; // the whole database is going away: nothing to roll back, nothing to run
    if (this.owner === connection) {
      this.owner = null;
      // Wait for a running unit, then undo what the vanished client left open.
      while (this.running) await new Promise((r) => setTimeout(r, 1));
      // exec() takes PGlite's lock itself (execProtocolRawStream does not, hence runExclusive in pump()).
      if (this.db.isInTransaction()) await this.db.exec("ROLLBACK");
    }
    // Its prepared statements would otherwise stay in PGlite's session for as long as the database runs. Queued
    // like a client's units, so they run only while no other connection holds the database (a simple query
    // between another client's Bind and Execute would drop its unnamed portal); one per statement, so a name
    // whose Parse had failed does not stop the others.
    for (const name of connection.statements) this.queue.push({ connection: null, messages: [queryMessage(`DEALLOCATE "${name}"`)] });
    void this.pump();
  }
}
