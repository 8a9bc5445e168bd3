import net from "node:net";
import type { PGlite } from "@electric-sql/pglite";
import { SCRAM_MECHANISM, ScramError, ScramExchange, scramVerifier, type ScramVerifier } from "./scram-server";

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
 *
 * Clients authenticate with a password, by SCRAM-SHA-256 (./scram-server.ts) as a real Postgres asks for it:
 * the port is reachable by every local process (and every local user), and whoever connects may read and
 * change everything. Until the exchange succeeds nothing reaches PGlite; a wrong or missing password gets the
 * standard ErrorResponse (28P01) and the socket is closed.
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
const SASL_RESPONSE = 0x70; // 'p': SASLInitialResponse and SASLResponse
const AUTH_SASL = 10;
const AUTH_SASL_CONTINUE = 11;
const AUTH_SASL_FINAL = 12;
/** A startup packet is a few parameters; anything much larger is not a Postgres client. */
const MAX_STARTUP_BYTES = 10_000;

let connectionNumber = 0;

class Connection {
  buffer: Buffer = Buffer.alloc(0);
  started = false;
  /** While authenticating: the startup message (handed to PGlite once the password is proven) and the exchange. */
  startup: Buffer | null = null;
  user = "";
  scram: ScramExchange | null = null;
  scramStep: "first" | "final" = "first";
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
  else if (type === BIND)
    at = cstring(message, 5).end; // after the portal name
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

/** An Authentication ('R') message with `code` and its payload. */
function authenticationMessage(code: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const message = Buffer.alloc(9 + payload.length);
  message[0] = 0x52; // 'R'
  message.writeInt32BE(8 + payload.length, 1);
  message.writeInt32BE(code, 5);
  payload.copy(message, 9);
  return message;
}

/** A FATAL ErrorResponse with SQLSTATE `code`. */
function fatalError(code: string, text: string): Buffer {
  const fields = Buffer.from(`SFATAL\0VFATAL\0C${code}\0M${text}\0\0`, "utf8");
  const message = Buffer.alloc(5 + fields.length);
  message[0] = 0x45; // 'E'
  message.writeInt32BE(4 + fields.length, 1);
  fields.copy(message, 5);
  return message;
}

/** The `user` parameter of a StartupMessage (protocol 3.0: int32 length, int32 version, then name/value pairs). */
function startupUser(message: Buffer): string {
  let at = 8;
  while (at < message.length - 1) {
    const name = cstring(message, at);
    const value = cstring(message, name.end);
    if (name.value === "user") return value.value;
    at = value.end;
  }
  return "";
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

  private readonly verifier: ScramVerifier;

  /** `password`: what clients must prove they know (SCRAM-SHA-256), whatever user name they give. */
  constructor(
    private readonly db: PGlite,
    options: { password: string },
  ) {
    if (!options.password) throw new Error("The embedded database needs a password");
    this.verifier = scramVerifier(options.password);
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
    if (connection.closed) return; // refused: nothing it sends after that is read
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
        if (length < 8 || length > MAX_STARTUP_BYTES)
          return void this.refuse(connection, "08P01", "invalid startup packet length");
        if (buffer.length < length) return;
        connection.buffer = buffer.subarray(length);
        if (code === CANCEL_REQUEST) continue; // not supported; the query simply runs to its end
        // Hold the startup message until the password is proven; ask for SCRAM-SHA-256.
        connection.startup = buffer.subarray(0, length);
        connection.user = startupUser(connection.startup);
        connection.scram = new ScramExchange(this.verifier);
        connection.started = true;
        connection.socket.write(authenticationMessage(AUTH_SASL, Buffer.from(`${SCRAM_MECHANISM}\0\0`, "utf8")));
        continue;
      }
      if (connection.scram) {
        if (buffer.length < 5) return;
        const length = 1 + buffer.readInt32BE(1);
        if (length < 5 || length > MAX_STARTUP_BYTES)
          return void this.refuse(connection, "08P01", "invalid authentication message length");
        if (buffer.length < length) return;
        const message = buffer.subarray(0, length);
        connection.buffer = buffer.subarray(length);
        if (!this.authenticate(connection, message)) return;
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

  /**
   * One SASL message of the exchange. Returns false when the connection was refused. On success the held
   * startup message goes to PGlite, whose answer (AuthenticationOk, parameters, ReadyForQuery) completes it.
   */
  private authenticate(connection: Connection, message: Buffer): boolean {
    const scram = connection.scram!;
    const failed = () =>
      this.refuse(connection, "28P01", `password authentication failed for user "${connection.user}"`);
    if (message[0] !== SASL_RESPONSE) return failed();
    try {
      if (connection.scramStep === "first") {
        // SASLInitialResponse: mechanism name, int32 length of the data, the data (client-first-message).
        const mechanism = cstring(message, 5);
        if (mechanism.value !== SCRAM_MECHANISM) return failed();
        const size = message.readInt32BE(mechanism.end);
        const serverFirst = scram.first(
          message.toString("utf8", mechanism.end + 4, mechanism.end + 4 + Math.max(0, size)),
        );
        connection.scramStep = "final";
        connection.socket.write(authenticationMessage(AUTH_SASL_CONTINUE, Buffer.from(serverFirst, "utf8")));
        return true;
      }
      const serverFinal = scram.final(message.toString("utf8", 5));
      if (!serverFinal) return failed();
      connection.socket.write(authenticationMessage(AUTH_SASL_FINAL, Buffer.from(serverFinal, "utf8")));
    } catch (error) {
      if (error instanceof ScramError || error instanceof RangeError) return failed();
      throw error;
    }
    connection.scram = null;
    this.enqueue({ connection, messages: [connection.startup!] });
    return true;
  }

  /** The standard FATAL ErrorResponse, then the socket closed. */
  private refuse(connection: Connection, code: string, text: string): false {
    connection.scram = null;
    connection.closed = true;
    connection.buffer = Buffer.alloc(0);
    connection.socket.end(fatalError(code, text));
    return false;
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
        const index = this.owner
          ? this.queue.findIndex((u) => u.connection === this.owner)
          : this.queue.length
            ? 0
            : -1;
        if (index === -1) return;
        const [unit] = this.queue.splice(index, 1);
        if (unit.connection?.closed) continue;
        const socket = unit.connection?.socket;
        try {
          await this.db.runExclusive(async () => {
            for (const message of unit.messages) {
              await this.db.execProtocolRawStream(new Uint8Array(message), {
                onRawData: (data) => socket?.writable && socket.write(data),
              });
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
    for (const name of connection.statements)
      this.queue.push({ connection: null, messages: [queryMessage(`DEALLOCATE "${name}"`)] });
    void this.pump();
  }
}
