/**
 * The servers under load, and talking to them: each is server/server.mjs (what `npm start`
 * runs) on its own database, on a free port from PORT_RANGE, in its own process group; every
 * server started is stopped, whatever happens (stopServersOnExit). Signing in goes through the
 * real sign-in form, posted as a browser without JavaScript posts it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { formWithField, multipart } from "../lib/forms";
import { DIST, log, nf, ROOT, WORK } from "./config";
import type { BenchDb } from "./databases";

const HOST = "127.0.0.1";
const PORT_RANGE = [3300, 3320] as const;

// ---------------------------------------------------------------------------------------------
// Processes: every server this script starts is stopped, whatever happens.

const children = new Set<ChildProcess>();

function kill(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal); // its process group: the server and anything it forked
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

/** Kills every server still running, with everything in its process group. */
export function killAll() {
  for (const c of children) kill(c, "SIGKILL");
  children.clear();
}

/** Stops every server on exit and on SIGINT, SIGTERM or SIGHUP (then exits with 130). */
export function stopServersOnExit() {
  process.on("exit", killAll);
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(sig, () => {
      console.error(`\n${sig}: stopping the benchmark server.`);
      killAll();
      process.exit(130);
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Server

/** A server process; `postgresUrl`: its PostgreSQL database, whose processes' CPU counts as its own. */
export type Server = { base: string; child: ChildProcess; logFile: string; stop: () => Promise<void>; postgresUrl?: string };

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once("error", () => resolve(false));
    s.listen(port, HOST, () => s.close(() => resolve(true)));
  });
}

async function freePort([from, to]: readonly [number, number]): Promise<number> {
  for (let p = from; p <= to; p++) if (await portFree(p)) return p;
  throw new Error(`No free port in ${from}–${to}`);
}

/** What launch starts: a command given its port and base URL, and where its output goes. */
export type Launch = {
  label: string;
  ports: readonly [number, number];
  cwd: string;
  command: (port: number, base: string) => { args: string[]; env: NodeJS.ProcessEnv };
};

/**
 * Starts a server (Node with `args`) on a free port from `ports`, in its own process group,
 * stopped with everything else on exit; waits (up to 2 minutes) until /sign-in answers 200. Its
 * output goes to WORK/server-<label>.log.
 */
export async function launch({ label, ports, cwd, command }: Launch): Promise<Server> {
  const port = await freePort(ports);
  const base = `http://${HOST}:${port}`;
  fs.mkdirSync(WORK, { recursive: true });
  const logFile = path.join(WORK, `server-${label}.log`);
  const out = fs.openSync(logFile, "w");
  const { args, env } = command(port, base);
  const child = spawn(process.execPath, args, {
    cwd,
    detached: true, // its own process group, so that stopping it stops everything it started
    stdio: ["ignore", out, out],
    env,
  });
  fs.closeSync(out);
  children.add(child);
  const stop = async () => {
    kill(child, "SIGTERM");
    const exited = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once("exit", () => resolve());
    });
    const timer = setTimeout(() => kill(child, "SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
    children.delete(child);
  };
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      children.delete(child);
      throw new Error(`The server ${label} exited (${child.exitCode ?? child.signalCode}); see ${logFile}`);
    }
    try {
      const res = await fetch(`${base}/sign-in`, { signal: AbortSignal.timeout(10_000) });
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`The server ${label} did not answer within 2 minutes; see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { base, child, logFile, stop };
}

/**
 * Starts the server `npm start` runs (server/server.mjs) on the database (its PostgreSQL one when
 * it has one). Processes meant to serve as one (several on one PostgreSQL) share `secret`.
 */
export async function startServer(db: BenchDb, label: string, secret = crypto.randomBytes(32).toString("base64url")): Promise<Server> {
  const server = await launch({
    label,
    ports: PORT_RANGE,
    cwd: ROOT,
    command: (port, base) => ({
      args: [path.join(ROOT, "server", "server.mjs")],
      env: {
        ...process.env,
        NODE_ENV: "production",
        NEXT_DIST_DIR: DIST,
        NEXT_TELEMETRY_DISABLED: "1",
        DATABASE_URL: db.postgresUrl ?? `file:${db.file}`,
        PORT: String(port),
        TRIAGE_URL: base,
        AUTH_SECRET: secret,
        TRIAGE_BENCH_FLOOR: "1",
      },
    }),
  });
  log(`Server (${label}): ${server.base}, ${nf.format(db.tickets)} tickets${db.postgresUrl ? " on PostgreSQL" : ""}.`);
  return { ...server, postgresUrl: db.postgresUrl };
}

// ---------------------------------------------------------------------------------------------
// HTTP

/** A GET, timed, with the whole body read and redirects not followed. */
export async function get(url: string, cookie?: string) {
  const started = performance.now();
  const res = await fetch(url, {
    headers: cookie ? { cookie } : {},
    redirect: "manual",
    signal: AbortSignal.timeout(120_000),
  });
  const text = await res.text();
  return { status: res.status, text, headers: res.headers, ms: performance.now() - started };
}

/** Signs in the way a browser without JavaScript does: the server action's form, posted as multipart. */
export async function signIn(base: string, email: string, password: string): Promise<string> {
  const page = await get(`${base}/sign-in`);
  if (page.status !== 200) throw new Error(`GET /sign-in answered ${page.status}`);
  const form = formWithField(page.text, "email");
  if (form.method !== "POST" || form.action.startsWith("javascript:")) {
    throw new Error(`The sign-in form does not post without JavaScript (method ${form.method}, action ${form.action})`);
  }
  const fields = form.fields.filter(([n]) => n !== "email" && n !== "password");
  fields.push(["email", email], ["password", password]);
  const { body, contentType } = multipart(fields);
  const res = await fetch(new URL(form.action || "/sign-in", `${base}/sign-in`), {
    method: "POST",
    body,
    headers: { "content-type": contentType, origin: base },
    redirect: "manual",
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  if (res.status !== 303) throw new Error(`Signing in answered ${res.status}, not 303:\n${text.slice(0, 500)}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .find((c) => /^(__Secure-)?triage\.session_token=/.test(c));
  if (!cookie) throw new Error(`Signing in set no triage.session_token cookie (Set-Cookie: ${res.headers.getSetCookie().join(" | ")})`);
  return cookie;
}
