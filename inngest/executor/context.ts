import type { IncomingEvent } from "./event-payload";
import type { FunctionDefinition } from "./registration";
import type { FunctionRegistry } from "./registry";
import type { ExecutorDb, Queryable } from "./store/db";
import type { IntakeResult } from "./store/intake-store";

/** What the executor's parts share: the database, the registry, the clock and the wiring between them. */
export interface ExecutorContext {
  db: ExecutorDb;
  registry: FunctionRegistry;
  /** This executor instance's id: the lease owner of the jobs it runs. */
  owner: string;
  now: () => number;
  leaseMs: number;
  /** Delay before retry number `retryIndex` (0 = first retry). */
  retryDelayMs: (retryIndex: number) => number;
  /** Delay before calling an unreachable app again (not counted as an attempt). */
  unreachableRetryMs: number;
  callTimeoutMs: number;
  signingKey?: string;
  log: (line: string) => void;
  /** Claim and start due work now (new jobs were queued). */
  wake: () => void;
  /** Claim work at `atMs` (a retry was scheduled). */
  wakeAt: (atMs: number) => void;
  /** A registered function; reloads the registry first if this executor has not seen it yet (synced elsewhere). */
  findFunction: (id: string) => Promise<FunctionDefinition | undefined>;
  /** Accept events (fan-out to runs) inside an existing transaction or on the pool. */
  intake: (events: IncomingEvent[], q?: Queryable) => Promise<IntakeResult>;
}
