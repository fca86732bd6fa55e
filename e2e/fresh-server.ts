import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/**
 * A Triage of a test's own: server/server.mjs itself (not `npm start`: the build is the e2e
 * server's), started fresh on its own migrated SQLite file, with no mail and nobody else's
 * requests. `env` adds or overrides settings; a PostgreSQL DATABASE_URL there is migrated and used
 * instead of the file (several processes on one database).
 */
export type FreshServer = {
  url: string;
  file: string;
  child: ChildProcess;
  /** Everything it printed, stdout and stderr as they came. */
  output: () => string;
  stdout: () => string;
  stderr: () => string;
  stop: () => Promise<void>;
};

export async function freshServer(port: number, env: Record<string, string> = {}): Promise<FreshServer> {
  const dir = path.resolve(`.tmp/e2e-fresh-${port}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const file = `${dir}/triage.db`;
  const all: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: `file:${file}`,
    PORT: String(port),
    NODE_ENV: "production" as const,
    NEXT_TELEMETRY_DISABLED: "1",
    AUTH_SECRET: "fresh-secret-fresh-secret-fresh-secret-0123",
    TRIAGE_MAIL_WORKERS: "off",
    TRIAGE_SMTP_URL: "",
    TRIAGE_IMAP_URL: "",
    TRIAGE_TRUSTED_PROXIES: "",
    ...env,
  };
  const migrate = all.DATABASE_URL!.startsWith("postgres") ? ["tsx", "server/migrate-postgres.ts"] : ["prisma", "migrate", "deploy"];
  const migrated = spawnSync(path.resolve(`node_modules/.bin/${migrate[0]}`), migrate.slice(1), { env: all, stdio: "pipe" });
  if (migrated.status !== 0) throw new Error(`migrating the fresh server's database failed: ${migrated.stderr}`);
  const child: ChildProcess = spawn(process.execPath, ["server/server.mjs"], { env: all, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (c: string) => ((output += c), (stdout += c)));
  child.stderr!.setEncoding("utf8").on("data", (c: string) => ((output += c), (stderr += c)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the fresh server did not start: ${output}`)), 60_000);
    const listening = () => {
      if (!output.includes("Triage is listening")) return;
      clearTimeout(timer);
      child.stdout!.off("data", listening);
      resolve();
    };
    child.stdout!.on("data", listening);
    child.once("exit", (code) => reject(new Error(`the fresh server exited (${code}): ${output}`)));
  });
  return {
    url: `http://localhost:${port}`,
    file,
    child,
    output: () => output,
    stdout: () => stdout,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
