import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import https from "node:https";
import pg from "pg";
import { expect, test } from "@playwright/test";
import { ON_POSTGRES, PORT, TLS_PORT } from "./env";
import { freshServer, type FreshServer } from "./fresh-server";
import { formWithField, multipart } from "../scripts/lib/forms";

/**
 * A rolling restart behind nginx (issue 23), as README.md's PostgreSQL section tells an admin to do
 * it: two Triage processes on one PostgreSQL database behind nginx configured with the README's
 * blocks (scripts/e2e-proxy.mjs), a steady stream of pages and creates through nginx, and each
 * process in turn sent SIGTERM, waited for, started again, and waited for (its /readyz, then nginx
 * sending it requests again) before the next. No request may fail: every page is a 200, every
 * create a 303 to its ticket, never a 502, a 503 or a reset; every acknowledged ticket is stored,
 * and nothing else.
 *
 * PostgreSQL, because several processes share a database only there (README: SQLite is one
 * process's). It has its own database, so it runs once, in the SQLite pass, beside the others.
 */

type Line = { requestId?: string; method?: string; path?: string; status?: number; msg: string };
const lines = (text: string): Line[] => text.split("\n").filter(Boolean).map((l) => JSON.parse(l) as Line);
/** nginx's $request_id: Triage keeps it, nginx being a trusted proxy. */
const NGINX_ID = /^[0-9a-f]{32}$/;

function tsx(args: string[], env: NodeJS.ProcessEnv = process.env): string {
  const r = spawnSync("node_modules/.bin/tsx", args, { env, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`tsx ${args.join(" ")}: ${r.stderr}`);
  return r.stdout.trim();
}

test("a rolling restart of two processes behind nginx loses no request", async ({ browser }, testInfo) => {
  test.skip(testInfo.project.name !== "js" || ON_POSTGRES, "two processes and nginx of its own: once");
  test.setTimeout(240_000);
  // A database of its own, emptied (as the e2e run empties its own).
  const databaseUrl = tsx(["tests/postgres/fresh-url.ts", `rolling_${PORT}`]);
  tsx(["scripts/db/reset-postgres.ts"], { ...process.env, DATABASE_URL: databaseUrl });
  const ports = [PORT + 11, PORT + 12];
  const env = { DATABASE_URL: databaseUrl, TRIAGE_TRUSTED_PROXIES: "127.0.0.1,::1", TRIAGE_LOG_FORMAT: "json" };
  const servers: FreshServer[] = [];
  const logs: string[] = [];
  const base = `https://localhost:${TLS_PORT + 3}`;
  const nginx = spawn(process.execPath, ["scripts/e2e-proxy.mjs", "nginx", String(TLS_PORT + 3), ports.join(",")], { stdio: ["ignore", "pipe", "pipe"] });
  let nginxOutput = "";
  nginx.stdout!.on("data", (c) => (nginxOutput += c));
  nginx.stderr!.on("data", (c) => (nginxOutput += c));
  const agent = new https.Agent({ keepAlive: true, maxSockets: 8, rejectUnauthorized: false });
  let cookie = "";

  /** One request through nginx, on a pool of kept-alive connections. */
  function fetchThrough(path: string, post?: { body: Buffer; contentType: string }): Promise<{ status: number; location: string | null; id: string | null }> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { cookie };
      if (post) Object.assign(headers, { origin: base, "content-type": post.contentType, "content-length": String(post.body.length) });
      const req = https.request(`${base}${path}`, { method: post ? "POST" : "GET", agent, headers }, (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, location: res.headers.location ?? null, id: (res.headers["x-request-id"] as string) ?? null }));
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(post?.body);
    });
  }

  try {
    for (const port of ports) servers.push(await freshServer(port, env));
    await expect.poll(async () => (await fetchThrough("/healthz").catch(() => null))?.status, { timeout: 30_000 }).toBe(200);

    // The first account (an admin), signed up in a browser through nginx; its cookie then posts.
    const context = await browser.newContext({ baseURL: base, ignoreHTTPSErrors: true });
    const page = await context.newPage();
    await page.goto("/sign-up");
    await page.getByLabel("Name").fill("Rolf Rolling");
    await page.getByLabel("Email").fill("rolf@example.test");
    await page.getByLabel("Password").fill("a long enough password");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByRole("heading", { name: "Tickets", level: 1 })).toBeVisible({ timeout: 20_000 });
    cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    const form = formWithField(await (await page.request.get("/tickets/new")).text(), "title");
    await context.close();
    const hidden = form.fields.filter(([n]) => !["title", "description", "priority"].includes(n));
    const action = new URL(form.action || "/tickets/new", `${base}/tickets/new`).pathname;

    // A steady stream: four clients, each a page of the list then a create, over and over.
    const acknowledged: number[] = [];
    const problems: string[] = [];
    let answered = 0;
    let streaming = true;
    let seq = 0;
    const client = async () => {
      while (streaming) {
        const n = ++seq;
        try {
          const list = await fetchThrough("/tickets");
          if (list.status !== 200) problems.push(`#${n} GET /tickets: ${list.status}`);
          if (!list.id || !NGINX_ID.test(list.id)) problems.push(`#${n} GET /tickets: X-Request-Id ${list.id}`);
          const { body, contentType } = multipart([...hidden, ["title", `Rolling ${n}`], ["description", `Posted during a rolling restart (${n}).`], ["priority", "Low"]]);
          const r = await fetchThrough(action, { body, contentType });
          const created = r.status === 303 ? /^\/tickets\/(\d+)\?created=1$/.exec(r.location ?? "") : null;
          if (created) acknowledged.push(Number(created[1]));
          else problems.push(`#${n} POST ${action}: ${r.status} ${r.location ?? ""}`);
          answered += 2;
        } catch (e) {
          problems.push(`#${n}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        }
      }
    };
    const clients = Array.from({ length: 4 }, client);

    // Each process in turn: SIGTERM, its exit, a new one on its port, its /readyz, and nginx
    // sending it requests again (nginx leaves a server that failed alone for fail_timeout, 10 s)
    // before the next is stopped. Requests go on throughout.
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    await sleep(2000);
    for (const i of [0, 1]) {
      const before = answered;
      const exited = new Promise<number | null>((r) => servers[i].child.once("exit", (code) => r(code)));
      servers[i].child.kill("SIGTERM");
      expect(await exited, servers[i].output()).toBe(0);
      logs.push(servers[i].stdout());
      servers[i] = await freshServer(ports[i], env);
      await expect.poll(async () => (await fetch(`http://localhost:${ports[i]}/readyz`).catch(() => null))?.status, { timeout: 30_000 }).toBe(200);
      await expect
        .poll(() => lines(servers[i].stdout()).some((l) => l.path === "/tickets" && NGINX_ID.test(l.requestId ?? "")), { timeout: 30_000 })
        .toBe(true);
      // The other process answered meanwhile.
      expect(answered).toBeGreaterThan(before);
    }
    await sleep(1000);
    streaming = false;
    await Promise.all(clients);
    logs.push(...servers.map((s) => s.stdout()));

    expect(problems).toEqual([]);
    expect(acknowledged.length).toBeGreaterThan(10);
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      const stored = (await db.query<{ number: number }>(`SELECT "number" FROM "ticket" ORDER BY "number"`)).rows.map((r) => Number(r.number));
      expect(stored).toEqual([...acknowledged].sort((a, b) => a - b));
    } finally {
      await db.end();
    }

    // What the processes' logs say: a request one refused while stopping (503, or dropped
    // unstarted: status 0) was answered by the other, under the same id (nginx's).
    const all = logs.flatMap((text, process) => lines(text).filter((l) => l.status !== undefined).map((l) => ({ ...l, process })));
    const refused = all.filter((l) => (l.status === 503 || l.status === 0) && NGINX_ID.test(l.requestId ?? ""));
    for (const r of refused) {
      expect(all.some((l) => l.requestId === r.requestId && l.process !== r.process && l.status! < 500), `${r.msg} ${r.requestId}`).toBe(true);
    }
    testInfo.annotations.push({ type: "stream", description: `${answered} answers, ${acknowledged.length} creates, ${refused.length} refused by a stopping process and answered by the other` });
  } finally {
    agent.destroy();
    fs.writeFileSync(testInfo.outputPath("processes.log"), [...logs, ...servers.map((s) => s.output()), nginxOutput].join("\n----\n"));
    for (const s of servers) await s.stop();
    const stopped = new Promise((r) => nginx.once("exit", r));
    nginx.kill("SIGTERM");
    await stopped;
  }
});
