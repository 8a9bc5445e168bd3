import { parseFunctionConfig, type FunctionDefinition } from "./registration";
import type { StoredFunction } from "./store/registry-store";

/**
 * The registered functions in memory, indexed by event name for fan-out. Rebuilt from the database
 * whenever the registry generation changes (a sync on this or another executor).
 */
export class FunctionRegistry {
  private byId = new Map<string, FunctionDefinition>();
  private byEvent = new Map<string, FunctionDefinition[]>();
  private wildcards: FunctionDefinition[] = [];
  generation = -1;

  replace(functions: FunctionDefinition[], generation: number): void {
    this.byId = new Map(functions.map((f) => [f.id, f]));
    this.byEvent = new Map();
    this.wildcards = [];
    for (const fn of functions) {
      for (const trigger of fn.eventTriggers) {
        if (trigger.wildcard) {
          if (!this.wildcards.includes(fn)) this.wildcards.push(fn);
        } else {
          const list = this.byEvent.get(trigger.event) ?? [];
          if (!list.includes(fn)) list.push(fn);
          this.byEvent.set(trigger.event, list);
        }
      }
    }
    this.generation = generation;
  }

  /** Rebuilds from stored configs; a config that no longer parses is skipped with a log line. */
  replaceFromStore(stored: StoredFunction[], generation: number, log: (line: string) => void): void {
    const functions: FunctionDefinition[] = [];
    for (const { appName, config } of stored) {
      const problems: string[] = [];
      const fn = parseFunctionConfig(config, appName, problems);
      if (fn) functions.push(fn);
      else log(`skipping stored function: ${problems.join("; ")}`);
    }
    this.replace(functions, generation);
  }

  get(id: string): FunctionDefinition | undefined {
    return this.byId.get(id);
  }

  all(): FunctionDefinition[] {
    return [...this.byId.values()];
  }

  /** Functions with an event trigger that could match `name` (conditions are checked by the caller). */
  candidatesFor(name: string): FunctionDefinition[] {
    const exact = this.byEvent.get(name) ?? [];
    if (!this.wildcards.length) return exact;
    const wild = this.wildcards.filter((fn) => fn.eventTriggers.some((t) => t.wildcard && name.startsWith(t.event)));
    return [...new Set([...exact, ...wild])];
  }

  get hasConcurrencyLimits(): boolean {
    return this.all().some((fn) => fn.concurrency.length > 0);
  }
}
