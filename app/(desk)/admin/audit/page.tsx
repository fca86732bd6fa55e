import Link from "next/link";
import { requireAdmin } from "@/lib/auth/session";
import { auditActionLabel } from "@/lib/audit/actions";
import { auditActors, readAudit } from "@/lib/audit/log";
import { AUDIT_ACTION_OPTIONS, auditHref, parseAuditQuery } from "@/lib/audit/params";
import { Time } from "../../../_components/Time";

export const metadata = { title: "Audit log" };

export default async function AuditLogPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requireAdmin();
  const filter = parseAuditQuery(await searchParams);
  const [page, actors] = await Promise.all([readAudit(actor, filter), auditActors(actor)]);
  const kept = { action: filter.action, actorId: filter.actorId };
  return (
    <>
      <div className="page-head">
        <h1>Audit log</h1>
      </div>
      <p className="summary">Administrative changes, newest first: roles, invitations, deactivations, sign-up and notification settings (by admins), and attachments removed (by agents and admins). Entries are never changed or removed.</p>

      <form className="filters audit-filters" action="/admin/audit">
        <div className="field">
          <label htmlFor="audit-action">Action</label>
          <select id="audit-action" name="action" defaultValue={filter.action ?? ""}>
            <option value="">All actions</option>
            {AUDIT_ACTION_OPTIONS.map(([value, label]) => <option key={value} value={value}>{label}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="audit-person">Person</label>
          <select id="audit-person" name="person" defaultValue={filter.actorId ?? ""}>
            <option value="">Everyone</option>
            {actors.map((p) => <option key={p.id} value={p.id}>{p.name} ({p.email})</option>)}
          </select>
        </div>
        <button type="submit" className="button secondary">Apply filters</button>
        {filter.action || filter.actorId ? <Link href="/admin/audit" prefetch={false}>Clear</Link> : null}
      </form>

      <div className="table-wrap">
        <table className="audit">
          <thead>
            <tr>
              <th scope="col" className="col-when">When</th>
              <th scope="col" className="col-who">Who</th>
              <th scope="col" className="col-action">Action</th>
              <th scope="col">Target</th>
              <th scope="col">Details</th>
              <th scope="col" className="col-from">From</th>
            </tr>
          </thead>
          <tbody>
            {page.rows.length === 0 ? (
              <tr><td colSpan={6} className="muted">{filter.before !== undefined || filter.after !== undefined ? "No entries past this point." : filter.action || filter.actorId ? "No entries match these filters." : "Nothing has been recorded yet."}</td></tr>
            ) : null}
            {page.rows.map((r) => (
              <tr key={r.id}>
                <td data-label="When"><Time date={r.at} /></td>
                <td data-label="Who">{r.actorName}</td>
                <td data-label="Action">{auditActionLabel(r.action)}</td>
                <td data-label="Target">{r.target}</td>
                <td data-label="Details">{r.detail ?? <span className="muted">None</span>}</td>
                <td data-label="From">{r.address ?? <span className="muted">Unknown</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <nav aria-label="Pagination" className="pagination">
        {page.newer !== null ? (
          <Link href={auditHref({ ...kept, after: page.newer })} rel="prev" prefetch={false}>Newer entries</Link>
        ) : (
          <span className="disabled" aria-hidden="true">Newer entries</span>
        )}
        {page.older !== null ? (
          <Link href={auditHref({ ...kept, before: page.older })} rel="next" prefetch={false}>Older entries</Link>
        ) : (
          <span className="disabled" aria-hidden="true">Older entries</span>
        )}
      </nav>
    </>
  );
}
