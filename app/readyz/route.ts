import { readiness } from "@/lib/db/readiness";

/**
 * GET /readyz: 200 "ready" when the database answers and its migrations are current, else 503 and
 * why (lib/db/readiness.ts). No session needed (server/front-door.mjs lets it through); a process
 * shutting down answers 503 before this runs (server/server.mjs). /healthz, whether the process is
 * alive at all, is answered by server.mjs alone.
 */
export const dynamic = "force-dynamic";

export async function GET() {
  const r = await readiness();
  return new Response(r.ready ? "ready\n" : `not ready: ${r.reason}\n`, {
    status: r.ready ? 200 : 503,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
  });
}
