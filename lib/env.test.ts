import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, databasePathFromUrl, parseEnv } from "./env";

function configError(source: Record<string, string | undefined>): ConfigError {
  try {
    parseEnv(source);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error(`parseEnv accepted ${JSON.stringify(source)}`);
}

describe("parseEnv", () => {
  it("defaults: nothing set is a valid configuration", () => {
    const env = parseEnv({});
    expect(env.DATABASE_URL).toBe("file:./data/triage.db");
    expect(env.PORT).toBe(3000);
    expect(env.AUTH_SECRET).toBeUndefined();
    expect(env.TRIAGE_URL).toBeUndefined();
    expect(env.NODE_ENV).toBe("development");
    expect(env.databasePath).toBe(path.resolve("data/triage.db"));
    expect(env.dataDir).toBe(path.resolve("data"));
  });

  it("empty and blank values count as unset", () => {
    const env = parseEnv({ DATABASE_URL: "", PORT: "  ", AUTH_SECRET: "", NODE_ENV: "" });
    expect(env.DATABASE_URL).toBe("file:./data/triage.db");
    expect(env.PORT).toBe(3000);
    expect(env.AUTH_SECRET).toBeUndefined();
  });

  it("reads valid values", () => {
    const env = parseEnv({
      DATABASE_URL: "file:/var/lib/triage/db.sqlite",
      PORT: "8080",
      AUTH_SECRET: "s".repeat(32),
      TRIAGE_URL: "https://help.example.com",
      NODE_ENV: "production",
    });
    expect(env).toMatchObject({
      DATABASE_URL: "file:/var/lib/triage/db.sqlite",
      PORT: 8080,
      AUTH_SECRET: "s".repeat(32),
      TRIAGE_URL: "https://help.example.com",
      NODE_ENV: "production",
      databasePath: "/var/lib/triage/db.sqlite",
      dataDir: "/var/lib/triage",
    });
  });

  it.each([["abc"], ["70000"], ["65536"], ["0"], ["-1"], ["3.5"], ["80abc"]])("PORT=%j is refused, naming PORT", (PORT) => {
    const e = configError({ PORT });
    expect(e.message).toMatch(/\bPORT\b/);
    expect(e.message).not.toMatch(/DATABASE_URL|AUTH_SECRET/);
  });

  it("PORT at the edges of the range is fine", () => {
    expect(parseEnv({ PORT: "1" }).PORT).toBe(1);
    expect(parseEnv({ PORT: "65535" }).PORT).toBe(65535);
  });

  it.each([["postgres://"], ["postgresql:localhost"], ["./data/triage.db"], ["file:"], ["mysql:x"], ["http://x/file:a"]])(
    "DATABASE_URL=%j is refused, naming DATABASE_URL",
    (DATABASE_URL) => {
      const e = configError({ DATABASE_URL });
      expect(e.message).toMatch(/\bDATABASE_URL\b/);
      expect(e.message).not.toMatch(/\bPORT\b|AUTH_SECRET/);
    },
  );

  it("a short AUTH_SECRET is refused, naming AUTH_SECRET", () => {
    const e = configError({ AUTH_SECRET: "too-short" });
    expect(e.message).toMatch(/\bAUTH_SECRET\b/);
    expect(e.message).toMatch(/32/);
    expect(e.message).not.toMatch(/\bPORT\b|DATABASE_URL/);
    expect(parseEnv({ AUTH_SECRET: "x".repeat(32) }).AUTH_SECRET).toHaveLength(32);
    expect(() => parseEnv({ AUTH_SECRET: "x".repeat(31) })).toThrow(ConfigError);
  });

  it("a bad TRIAGE_URL and NODE_ENV are named too", () => {
    expect(configError({ TRIAGE_URL: "not a url" }).message).toMatch(/\bTRIAGE_URL\b/);
    expect(configError({ NODE_ENV: "staging" }).message).toMatch(/\bNODE_ENV\b/);
  });

  it("TRIAGE_LOG_FORMAT: text by default, json when asked, anything else refused by name", () => {
    expect(parseEnv({}).TRIAGE_LOG_FORMAT).toBe("text");
    expect(parseEnv({ TRIAGE_LOG_FORMAT: " " }).TRIAGE_LOG_FORMAT).toBe("text");
    expect(parseEnv({ TRIAGE_LOG_FORMAT: "text" }).TRIAGE_LOG_FORMAT).toBe("text");
    expect(parseEnv({ TRIAGE_LOG_FORMAT: "json" }).TRIAGE_LOG_FORMAT).toBe("json");
    for (const TRIAGE_LOG_FORMAT of ["JSON", "logfmt", "json "]) {
      const e = configError({ TRIAGE_LOG_FORMAT });
      expect(e.message).toMatch(/\bTRIAGE_LOG_FORMAT\b: must be "text" \(readable lines\) or "json"/);
      expect(e.message).not.toMatch(/\bPORT\b|DATABASE_URL/);
    }
  });

  it("several problems are all reported at once", () => {
    const e = configError({ PORT: "abc", DATABASE_URL: "mysql://x", AUTH_SECRET: "short" });
    expect(e.message).toMatch(/\bPORT\b/);
    expect(e.message).toMatch(/\bDATABASE_URL\b/);
    expect(e.message).toMatch(/\bAUTH_SECRET\b/);
  });
});

describe("PostgreSQL", () => {
  it.each([["postgresql://triage:secret@db.example:5432/triage"], ["postgres://localhost/triage"]])("DATABASE_URL=%j runs Triage on PostgreSQL", (DATABASE_URL) => {
    const env = parseEnv({ DATABASE_URL });
    expect(env.dialect).toBe("postgres");
    expect(env.databasePath).toBe("");
    expect(env.dataDir).toBe(path.resolve("data"));
  });

  it("a file address is SQLite", () => {
    expect(parseEnv({ DATABASE_URL: "file:./x.db" }).dialect).toBe("sqlite");
  });
});

describe("databasePathFromUrl", () => {
  it("resolves relative paths against the working directory and drops a query", () => {
    expect(databasePathFromUrl("file:./data/triage.db")).toBe(path.resolve("data/triage.db"));
    expect(databasePathFromUrl("file:/tmp/x.db?mode=rwc")).toBe("/tmp/x.db");
  });
});
