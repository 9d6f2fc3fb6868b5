/** Human-readable output of each command (`--json` prints the result object instead). */

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const when = (ms: unknown) => (typeof ms === "number" ? new Date(ms).toISOString() : "never");
const addressList = (list: unknown) => ((list as Any[] | undefined) ?? []).map((a) => `${a["transportType"]}:${a["address"]}`);

/** The lines a command prints for its result. */
export function formatResult(command: string, result: unknown): string[] {
  const r = result as Any;
  switch (command) {
    case "init":
      return [`${r["created"] ? "created" : "already initialised:"} node ${r["id"]}`, `data in ${r["dataDir"]}`];
    case "serve":
      return [`node ${r["id"]} serving (pid ${r["pid"]})`, `admin ${r["admin"]} (/health, /metrics)`, ...addressList(r["addresses"]).map((a) => `listening on ${a}`)];
    case "create":
      return [`created database ${r["name"]}: ${r["id"]}`];
    case "put":
      return [`${r["key"]} written in ${r["db"]} (entry ${r["entry"]})`];
    case "get":
      return [typeof r["value"] === "string" ? r["value"] : JSON.stringify(r["value"])];
    case "share":
      return [r["ticket"] as string];
    case "join":
      return [`joined ${r["name"] ?? r["db"]} (${r["db"]}): ${r["received"]} entries in ${(r["seconds"] as number).toFixed(2)} s${r["permission"] ? `, granted ${r["permission"]["level"]}` : ""}`];
    case "status":
      if (Array.isArray(r["databases"])) {
        return [
          `node ${r["id"]} (${r["serving"] ? "serving" : "not serving"})`,
          `data in ${r["dataDir"]}`,
          ...addressList(r["addresses"]).map((a) => `listening on ${a}`),
          `${r["databases"].length} database(s), ${r["pendingRequests"]} pending request(s)`,
          ...(r["databases"] as Any[]).flatMap((db) => formatResult("status", db).map((line) => `  ${line}`)),
        ];
      }
      return [
        `${r["name"] ?? "(unnamed)"} ${r["id"]}: ${r["entries"]} entries, ${r["tips"].length} tip(s), sync ${r["syncEnabled"] ? "on" : "off"}, ${r["peers"].length} peer(s), last sync ${when(r["lastSync"])}${r["lastError"] ? `, last error ${r["lastError"]["code"]}` : ""}`,
      ];
    case "peers":
      if ((r as Any[]).length === 0) return ["no peers yet"];
      return (r as Any[]).map((p) => `${p["key"]} ${p["name"] ?? ""} [${p["status"]}] ${addressList(p["addresses"]).join(" ")} databases: ${p["databases"].length}, last sync ${when(p["lastSuccessfulSync"])}`);
    case "requests":
      if ((r as Any[]).length === 0) return ["no pending requests"];
      return (r as Any[]).map((q) => `${q["id"]}  ${q["key"]} asks ${q["permission"]["level"]} on ${q["database"]} (${when(q["requestedAt"])})`);
    case "approve":
    case "reject":
      return [`request ${r["id"]} ${r["state"]}: ${r["key"]} on ${r["database"]}`];
    default:
      return [JSON.stringify(result)];
  }
}
