/**
 * npm run lockfile:complete — run after `npm install` changes package-lock.json.
 *
 * Why: the npm registry reachable from Cairn's build machines is a partial mirror that lacks some
 * platform-specific optional packages (e.g. @next/swc-darwin-arm64). `npm install` skips them and leaves
 * them out of package-lock.json, and `npm ci` then refuses the lock file ("Missing: … from lock file").
 * This adds the entries npm would have written — version, `optional`, and the os/cpu/libc that keep npm
 * from fetching them on other platforms — so `npm ci` works here and on a developer's Mac or Windows box.
 */
import { readFileSync, writeFileSync } from "node:fs";

const LOCK = "package-lock.json";
const lock = JSON.parse(readFileSync(LOCK, "utf8"));
const packages = lock.packages;

const OS = ["darwin", "win32", "linux", "android", "freebsd", "openharmony", "sunos", "openbsd", "netbsd", "aix"];
const CPU = ["x64", "arm64", "ia32", "arm", "loong64", "ppc64", "riscv64", "s390x", "wasm32", "mips64el"];

function platformOf(name) {
  const parts = name.split("/").pop().split("-");
  const fields = {};
  const os = parts.find((p) => OS.includes(p));
  if (os) fields.os = [os];
  if (parts.includes("wasm32")) fields.cpu = ["wasm32"];
  else {
    const cpu =
      parts.find((p) => CPU.includes(p)) ??
      (parts.includes("gnueabihf") || parts.includes("musleabihf") || parts.includes("eabi") ? "arm" : undefined);
    if (cpu) fields.cpu = [cpu];
  }
  if (os === "linux") {
    if (parts.some((p) => p.startsWith("musl"))) fields.libc = ["musl"];
    else if (parts.some((p) => p.startsWith("gnu"))) fields.libc = ["glibc"];
  }
  return fields;
}

let added = 0;
for (const [location, entry] of Object.entries(packages)) {
  for (const [dependency, spec] of Object.entries(entry.optionalDependencies ?? {})) {
    const base = location ? `${location}/node_modules/${dependency}` : `node_modules/${dependency}`;
    const hoisted = `node_modules/${dependency}`;
    if (packages[base] || packages[hoisted]) continue;
    const version = spec.replace(/^[\^~=]/, "");
    if (!/^\d+\.\d+\.\d+/.test(version)) continue; // a range we cannot pin; leave it to npm
    // Keys in the order npm writes them (version, then alphabetical), so `npm install` leaves the entry as is.
    const fields = { optional: true, ...platformOf(dependency) };
    packages[hoisted] = {
      version,
      ...Object.fromEntries(Object.entries(fields).sort(([a], [b]) => a.localeCompare(b))),
    };
    added++;
  }
}

lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))),
);
writeFileSync(LOCK, JSON.stringify(lock, null, 2) + "\n");
console.log(`package-lock.json: added ${added} platform-specific optional package entr${added === 1 ? "y" : "ies"}`);
