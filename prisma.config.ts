import fs from "node:fs";
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";

// The WebAssembly migration engine through the driver adapter: no native engine download.
// The schema's datasource reads DATABASE_URL too; give it the same default so that `prisma generate`
// on a fresh clone (npm's postinstall) needs no environment.
process.env.DATABASE_URL ||= "file:./data/triage.db";
const url = process.env.DATABASE_URL;

export default defineConfig({
  schema: path.join("prisma", "schema.prisma"),
  engine: "js",
  experimental: { adapter: true },
  adapter: async () => {
    const file = path.resolve(url.replace(/^file:/, "").split("?")[0]);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    return new PrismaBetterSQLite3({ url: `file:${file}` });
  },
});
