/** Cairn's jobs: the events it sends to Inngest (contracts), their builders, the client that sends them. */
export * from "./client";
export * from "./contracts";
export * from "./events";
export { parseJob } from "./parse-job";
