/**
 * The benchmark's report, in markdown: the machine and the settings; a table of every scenario
 * and the creates; the ratios against their targets; what one person's page views cost in
 * Chromium; the list's own SQL, raw and through Prisma; the seeds; and the query plans of any
 * query over 5 ms. It only formats what it is given.
 */
import os from "node:os";
import path from "node:path";
import type { ProbeCase, ProbeResult } from "../lib/sql-probe";
import type { MailProbe } from "../lib/mail-probe";
import type { BrowserCost } from "./browser";
import { CONNECTIONS, DIST, LARGE, ms, nf, ROUNDS, SECONDS, SMALL, WARMUP_MAX_SECONDS, WARMUP_REQUESTS } from "./config";
import type { BenchDb } from "./databases";
import type { Creates, Load } from "./load";

const us = (v: number) => (v >= 10_000 ? nf.format(Math.round(v)) : v >= 100 ? v.toFixed(0) : v.toFixed(1));
const check = (ok: boolean) => (ok ? "✓" : "✗");

export function report(r: {
  startedAt: Date;
  loadBefore: number[];
  loadAfter: number[];
  seeds: BenchDb[];
  loads: Load[];
  create: Creates;
  createQuiet: Creates;
  createWithReaders: Creates;
  createFloor: Creates;
  sql: ProbeResult;
  browser: BrowserCost;
  mail: MailProbe;
}): string {
  const small = r.loads.find((l) => l.kind === "list" && l.tickets === SMALL)!;
  const large = r.loads.find((l) => l.kind === "list" && l.tickets === LARGE)!;
  const floor = r.loads.find((l) => l.kind === "floor")!;
  const baseline = r.loads.find((l) => l.kind === "baseline");
  const out: string[] = [];
  const la = (l: number[]) => l.map((v) => v.toFixed(2)).join(" ");
  out.push(`## Triage benchmark, ${r.startedAt.toISOString().replace("T", " ").slice(0, 16)} UTC`);
  out.push("");
  out.push(
    `${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim() ?? "?"}), load average ${la(r.loadBefore)} at the start and ${la(r.loadAfter)} at the end; ` +
      `Node ${process.version}; production build in ${DIST}; autocannon, ${CONNECTIONS} connections, ${SECONDS} s per scenario ` +
      `in ${ROUNDS} interleaved round(s), after a warm-up of ${WARMUP_REQUESTS} requests (or ${WARMUP_MAX_SECONDS} s); signed in as an agent; ` +
      `1k and 100k on two servers (one database each); percentiles over every request.`,
  );
  out.push("");
  const cpu = (v: number | null) => (v === null ? "—" : ms(v));
  out.push("| Scenario | Tickets | req/s | p50 ms | p99 ms | Server CPU ms/request | Requests | Problems |");
  out.push("|---|---:|---:|---:|---:|---:|---:|---|");
  for (const l of r.loads) {
    out.push(
      `| ${l.name} \`${l.path}\` | ${l.tickets === null ? "—" : nf.format(l.tickets)} | ${l.skipped ? "—" : l.rps.toFixed(1)} | ${ms(l.p50)} | ${ms(l.p99)} | ${cpu(l.cpuPerRequest)} | ${nf.format(l.requests)} | ${l.skipped ?? (l.problems || "")} |`,
    );
  }
  const c = r.create;
  const q = r.createQuiet;
  out.push(
    `| create, no mail (acknowledgements off) | ${nf.format(q.before)} | ${q.perSecond.toFixed(1)} | ${ms(q.p50)} | ${ms(q.p99)} | ${cpu(q.cpuPerRequest)} | ${nf.format(q.redirects)} × 303 | ${[q.other, q.errors ? `${q.errors} errors` : ""].filter(Boolean).join("; ")} |`,
  );
  out.push(
    `| create: no-JS post of /tickets/new | ${nf.format(c.before)} | ${c.perSecond.toFixed(1)} | ${ms(c.p50)} | ${ms(c.p99)} | ${cpu(c.cpuPerRequest)} | ${nf.format(c.redirects)} × 303 | ${[c.other, c.errors ? `${c.errors} errors` : ""].filter(Boolean).join("; ")} |`,
  );
  const w = r.createWithReaders;
  out.push(
    `| create again, with ${w.readers} list readers beside | ${nf.format(w.before)} | ${w.perSecond.toFixed(1)} | ${ms(w.p50)} | ${ms(w.p99)} | | ${nf.format(w.redirects)} × 303 | ${[w.other, w.errors ? `${w.errors} errors` : ""].filter(Boolean).join("; ")} |`,
  );
  out.push(
    `| /tickets while those creates run | ${nf.format(w.before)} | ${w.listDuring.perSecond.toFixed(1)} | ${ms(w.listDuring.p50)} | ${ms(w.listDuring.p99)} | | | ${w.listDuring.failed ? `${w.listDuring.failed} failed` : ""} |`,
  );
  const f = r.createFloor;
  out.push(
    `| create's floor: the same form, an action that saves nothing | — | ${f.perSecond.toFixed(1)} | ${ms(f.p50)} | ${ms(f.p99)} | ${cpu(f.cpuPerRequest)} | ${nf.format(f.redirects)} × 303 | ${[f.other, f.errors ? `${f.errors} errors` : ""].filter(Boolean).join("; ")} |`,
  );
  out.push("");
  out.push("| Ratio | Value | Target | |");
  out.push("|---|---:|---:|---|");
  /** A ratio and its check; `ok` null: reported, with no target. */
  const ratio = (label: string, v: number | null, target: string, ok: ((v: number) => boolean) | null) =>
    out.push(`| ${label} | ${v === null || !Number.isFinite(v) ? "—" : v.toFixed(2)} | ${target} | ${v === null || !Number.isFinite(v) ? "not measured" : ok ? check(ok(v)) : ""} |`);
  const rps = (l: Load) => (l.skipped ? null : l.rps);
  const div = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? null : a / b);
  ratio("/tickets req/s, 100k ÷ 1k", div(rps(large), rps(small)), "≥ 0.90", (v) => v >= 0.9);
  ratio("… the same from server CPU per request (1k ÷ 100k)", div(small.cpuPerRequest, large.cpuPerRequest), "≥ 0.90", (v) => v >= 0.9);
  ratio("/tickets at 100k ÷ floor, req/s", div(rps(large), rps(floor)), "≥ 0.85", (v) => v >= 0.85);
  ratio("… the same from server CPU per request (floor ÷ /tickets)", div(floor.cpuPerRequest, large.cpuPerRequest), "≥ 0.85", (v) => v >= 0.85);
  if (baseline) {
    ratio(`/tickets at 100k ÷ ${baseline.name}, req/s`, div(rps(large), rps(baseline)), "≥ 1.80", (v) => v >= 1.8);
    ratio("… the same from server CPU per request", div(baseline.cpuPerRequest, large.cpuPerRequest), "≥ 1.80", (v) => v >= 1.8);
  }
  for (const l of r.loads.filter((x) => x.kind === "view")) {
    ratio(`p99: ${l.name} ÷ plain list`, l.skipped ? l.p99 / large.p99 : div(l.p99, large.p99), "≤ 1.50", (v) => v <= 1.5);
  }
  for (const l of r.loads.filter((x) => x.kind === "search")) {
    ratio(`p99: ${l.name} ÷ plain list`, l.skipped ? l.p99 / large.p99 : div(l.p99, large.p99), "≤ 3.00", (v) => v <= 3);
  }
  ratio("creates a second (acknowledgement written)", c.perSecond, "≥ 200", (v) => v >= 200);
  ratio("… ÷ the create's floor, req/s", div(c.perSecond, f.perSecond), "reported", null);
  ratio("… the same from server CPU per request (floor ÷ create)", div(f.cpuPerRequest, c.cpuPerRequest), "reported", null);
  ratio("creates a second with the acknowledgement written ÷ without mail", div(c.perSecond, q.perSecond), "≥ 0.90", (v) => v >= 0.9);
  out.push(`| /tickets p99 while creates run ÷ idle (${CONNECTIONS} + ${w.readers} connections against ${CONNECTIONS}: CPU is shared too) | ${(w.listDuring.p99 / large.p99).toFixed(2)} | reported | |`);
  out.push(
    `| creates stored: ticket count grew by ${nf.format(c.after - c.before)} and ${nf.format(w.after - w.before)}, 303 answers ${nf.format(c.redirects)} and ${nf.format(w.redirects)} | ${c.durable && w.durable ? "equal" : "differ"} | equal | ${check(c.durable && w.durable)} |`,
  );
  out.push("");
  const m = r.mail;
  out.push("Mail, in process against real servers (scripts/lib/mail-probe.ts):");
  out.push("");
  out.push(`- outbox delivery to a local SMTP server (smtp-server, 4 connections): ${nf.format(m.delivery.messages)} messages in ${m.delivery.seconds.toFixed(1)} s, **${m.delivery.perSecond.toFixed(1)} a second**, each one's status recorded;`);
  out.push(
    "skipped" in m.import
      ? `- mailbox import: skipped (${m.import.skipped}).`
      : `- mailbox import from Dovecot over IMAP: ${nf.format(m.import.messages)} messages (${nf.format(m.import.comments)} replies threaded as comments, ${nf.format(m.import.tickets)} new tickets) in **${m.import.seconds.toFixed(1)} s** (${m.import.perSecond.toFixed(1)} a second), each with its raw message kept and marked on the server.`,
  );
  out.push("");
  const b = r.browser;
  out.push("What one person causes, in Chromium with JavaScript on (100k tickets, signed in as an agent):");
  out.push("");
  out.push("| Step | Dynamic requests | Which | Time |");
  out.push("|---|---:|---|---:|");
  out.push(`| open /tickets, then 3 s | ${b.listRequests.length} | ${b.listRequests.join("; ")} | |`);
  out.push(`| click a ticket's title, then 3 s | ${b.ticketRequests.length} | ${b.ticketRequests.join("; ")} | ${ms(b.clickToHeadingMs)} ms to its heading |`);
  out.push(`| back to the list, then 3 s | ${b.backRequests.length} | ${b.backRequests.join("; ")} | |`);
  out.push(`| rest the pointer on a title 250 ms, then click | | | ${ms(b.hoverThenClickToHeadingMs)} ms to its heading |`);
  out.push(`| target: at most 5 dynamic requests in the 3 s after the list loads | ${b.listRequests.length} | | ${check(b.listRequests.length <= 5)} |`);
  out.push("");
  out.push(`The list's own SQL (countSql and listSql from lib/tickets/queries.ts), in process with better-sqlite3 at ${nf.format(r.sql.tickets)} tickets, median per call:`);
  out.push("");
  out.push("| Query | Count µs | Page µs | Matching |");
  out.push("|---|---:|---:|---:|");
  for (const q of r.sql.cases) {
    out.push(`| ${q.name}${q.query ? ` \`?${q.query}\`` : ""} | ${us(q.count.medianUs)} | ${us(q.list.medianUs)} | ${nf.format(q.count.n)} |`);
  }
  out.push("");
  out.push("The same reads through Prisma, as the page makes them (`countTickets`; `listTickets` = count + page), median per call:");
  out.push("");
  out.push("| Query | countTickets µs | listTickets µs | Raw SQL count + page µs |");
  out.push("|---|---:|---:|---:|");
  for (const q of r.sql.prisma) {
    const raw = r.sql.cases.find((c) => c.name === q.name);
    out.push(
      `| ${q.name} | ${us(q.count.medianUs)} | ${us(q.listTickets.medianUs)} | ${raw ? us(raw.count.medianUs + raw.list.medianUs) : "—"} |`,
    );
  }
  out.push("");
  out.push("| Seed | Tickets | Seconds | Tickets/s | Tickets per CPU-second |");
  out.push("|---|---:|---:|---:|---:|");
  for (const s of r.seeds) {
    out.push(
      `| ${path.basename(path.dirname(s.file))} | ${nf.format(s.tickets)} | ${(s.seed.ms / 1000).toFixed(2)} | ${nf.format(Math.round(s.seed.perSecond))} | ${nf.format(Math.round(s.tickets / (s.seed.cpuMs / 1000)))} |`,
    );
  }
  const slow = r.sql.cases.filter((q) => q.list.medianUs > 5_000 || q.count.medianUs > 5_000);
  if (slow.length) {
    out.push("");
    out.push("Query plans of the slow ones (over 5 ms):");
    for (const q of slow) out.push("", ...planBlock(q));
  }
  out.push("");
  return out.join("\n");
}

function planBlock(q: ProbeCase): string[] {
  return [
    `${q.name} (\`?${q.query}\`): count ${us(q.count.medianUs)} µs, page ${us(q.list.medianUs)} µs`,
    "```",
    "-- count",
    ...q.count.plan,
    "-- page",
    ...q.list.plan,
    "```",
  ];
}
