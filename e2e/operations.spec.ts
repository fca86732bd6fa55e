import http from "node:http";
import net from "node:net";
import Database from "better-sqlite3";
import { test, expect } from "./fixtures";
import { ON_POSTGRES, PORT } from "./env";
import { freshServer } from "./fresh-server";
import { formWithField, multipart } from "../scripts/lib/forms";

/**
 * Running Triage for real (issue 23): what a load balancer asks, and a clean restart.
 */

test("a load balancer's questions need no session: /healthz is alive, /readyz is ready", async ({ request }) => {
  const health = await request.get("/healthz", { maxRedirects: 0 });
  expect(health.status()).toBe(200);
  expect(await health.text()).toBe("ok\n");
  const ready = await request.get("/readyz", { maxRedirects: 0 });
  expect(ready.status()).toBe(200);
  expect(await ready.text()).toBe("ready\n");
  expect(ready.headers()["cache-control"]).toBe("no-store");
});

/** A post on a connection of its own (no keep-alive): answered, or refused before it was started. */
function post(url: string, body: Buffer | string, headers: Record<string, string>): Promise<{ status: number; location: string | null } | { error: string }> {
  return new Promise((resolve) => {
    const req = http.request(url, { method: "POST", agent: false, headers: { ...headers, connection: "close" } }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, location: res.headers.location ?? null }));
      res.on("error", (e) => resolve({ error: (e as NodeJS.ErrnoException).code ?? e.message }));
    });
    req.on("error", (e) => resolve({ error: (e as NodeJS.ErrnoException).code ?? e.message }));
    req.end(body);
  });
}

test("SIGTERM during a stream of creates: every request is answered or refused unstarted (none reset), every acknowledged ticket is stored, exit 0", async ({ browser }, testInfo) => {
  test.skip(testInfo.project.name !== "js" || ON_POSTGRES, "the process's own behaviour: once, on SQLite");
  test.setTimeout(120_000);
  const server = await freshServer(PORT + 4, { TRIAGE_SHUTDOWN_SECONDS: "20" });
  try {
    // The first account (an admin), signed up in a browser; its session cookie then posts by hand.
    const context = await browser.newContext({ baseURL: server.url });
    const page = await context.newPage();
    await page.goto("/sign-up");
    await page.getByLabel("Name").fill("Shirley Shutdown");
    await page.getByLabel("Email").fill("shirley@example.test");
    await page.getByLabel("Password").fill("a long enough password");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByRole("heading", { name: "Tickets", level: 1 })).toBeVisible({ timeout: 20_000 });
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    const form = formWithField(await (await page.request.get("/tickets/new")).text(), "title");
    await context.close();
    const hidden = form.fields.filter(([n]) => !["title", "description", "priority"].includes(n));
    const action = new URL(form.action || "/tickets/new", `${server.url}/tickets/new`).toString();

    const acknowledged: number[] = [];
    const problems: string[] = [];
    let refused = 0;
    let answeredAfterSignal = 0;
    let signalledAt = Infinity;
    let seq = 0;
    const poster = async () => {
      for (;;) {
        const n = ++seq;
        const { body, contentType } = multipart([...hidden, ["title", `Shutdown ${n}`], ["description", `Posted while stopping (${n}).`], ["priority", "Low"]]);
        const r = await post(action, body, { cookie, origin: server.url, "content-type": contentType });
        if ("error" in r) {
          // Refused: the process no longer listens, so nothing was sent. Anything else (a reset,
          // a hang-up) is a request that was dropped.
          if (r.error === "ECONNREFUSED") refused++;
          else problems.push(`#${n}: ${r.error}`);
          return;
        }
        // 503: a request on a connection opened after the signal, answered without being started.
        if (r.status === 503) {
          refused++;
          return;
        }
        if (performance.now() > signalledAt) answeredAfterSignal++;
        const created = r.status === 303 ? /^\/tickets\/(\d+)\?created=1$/.exec(r.location ?? "") : null;
        if (created) acknowledged.push(Number(created[1]));
        else problems.push(`#${n}: ${r.status} ${r.location ?? ""}`);
      }
    };
    const posters = Array.from({ length: 4 }, poster);
    // Creates for a while, then the signal, with four posts always in flight.
    await new Promise((r) => setTimeout(r, 1500));
    const exited = new Promise<number | null>((r) => server.child.once("exit", (code) => r(code)));
    signalledAt = performance.now();
    server.child.kill("SIGTERM");
    await Promise.all(posters);
    expect(await exited, server.output()).toBe(0);

    expect(problems, server.output()).toEqual([]);
    expect(refused).toBe(4);
    expect(acknowledged.length).toBeGreaterThan(4);
    // Posts were in flight when the signal came, and were answered.
    expect(answeredAfterSignal).toBeGreaterThan(0);
    const db = new Database(server.file, { readonly: true });
    try {
      const stored = db.prepare(`SELECT "number" FROM "ticket" ORDER BY "number"`).pluck().all() as number[];
      expect(stored).toEqual([...acknowledged].sort((a, b) => a - b));
    } finally {
      db.close();
    }
    expect(server.output()).toMatch(/SIGTERM: finishing the requests in flight/);
  } finally {
    await server.stop();
  }
});

test("SIGTERM: a request that meets a kept-alive connection as the shutdown closes it is not started (a proxy may send it elsewhere)", async ({ browser }, testInfo) => {
  test.skip(testInfo.project.name !== "js" || ON_POSTGRES, "the process's own behaviour: once, on SQLite");
  test.setTimeout(90_000);
  const server = await freshServer(PORT + 10, { TRIAGE_SHUTDOWN_SECONDS: "20", TRIAGE_LOG_FORMAT: "json" });
  try {
    const context = await browser.newContext({ baseURL: server.url });
    const page = await context.newPage();
    await page.goto("/sign-up");
    await page.getByLabel("Name").fill("Kim Keepalive");
    await page.getByLabel("Email").fill("kim@example.test");
    await page.getByLabel("Password").fill("a long enough password");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByRole("heading", { name: "Tickets", level: 1 })).toBeVisible({ timeout: 20_000 });
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    const form = formWithField(await (await page.request.get("/tickets/new")).text(), "title");
    await context.close();
    const hidden = form.fields.filter(([n]) => !["title", "description", "priority"].includes(n));
    const action = new URL(form.action || "/tickets/new", `${server.url}/tickets/new`).pathname;

    // A connection kept alive after one answer, as a proxy keeps its connections to Triage.
    const socket = net.connect({ port: PORT + 10, host: "127.0.0.1", allowHalfOpen: true });
    let received = "";
    socket.setEncoding("latin1").on("data", (c: string) => (received += c));
    const ended = new Promise<void>((r) => socket.once("end", () => r()));
    socket.on("error", () => undefined);
    socket.write(`GET /healthz HTTP/1.1\r\nHost: localhost:${PORT + 10}\r\n\r\n`);
    await expect.poll(() => received).toMatch(/\r\n0\r\n\r\n$/);

    // The signal: the idle connection is closed (its end arrives here); a post sent on it
    // nonetheless, as a proxy may that had not yet seen the close, must not run.
    const exited = new Promise<number | null>((r) => server.child.once("exit", (code) => r(code)));
    server.child.kill("SIGTERM");
    await ended;
    const { body, contentType } = multipart([...hidden, ["title", "Sent on a closing connection"], ["description", "Must not be created."], ["priority", "Low"]]);
    const head = [`POST ${action} HTTP/1.1`, `Host: localhost:${PORT + 10}`, `Cookie: ${cookie}`, `Origin: ${server.url}`, `Content-Type: ${contentType}`, `Content-Length: ${body.length}`];
    received = "";
    // Written, and then nothing more from this side, as a proxy waits for its answer.
    socket.write(Buffer.concat([Buffer.from(`${head.join("\r\n")}\r\n\r\n`), body]));
    expect(await exited, server.output()).toBe(0);
    socket.destroy();

    expect(received).toBe("");
    const db = new Database(server.file, { readonly: true });
    try {
      expect(db.prepare(`SELECT count(*) FROM "ticket"`).pluck().get()).toBe(0);
    } finally {
      db.close();
    }
    // Its line says so: no answer (status 0), cut off.
    const posts = server.stdout().split("\n").filter(Boolean).map((l) => JSON.parse(l)).filter((l) => l.method === "POST" && l.path === action);
    expect(posts).toEqual([expect.objectContaining({ status: 0, aborted: true })]);
  } finally {
    await server.stop();
  }
});
