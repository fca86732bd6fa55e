import { isStaff, type Role } from "../people/identity";

/**
 * The kinds of notification a person can turn on or off at /settings. Who hears what by default
 * follows what a help desk's people expect: requesters hear about their own tickets, the assignee
 * hears from the requester, and unassigned tickets reach only the agents who ask for them.
 */
export const NOTIFICATION_KINDS = [
  { kind: "ticket_created", label: "A ticket I opened is received", audience: "everyone", default: true },
  { kind: "team_comment", label: "The team replies on my ticket", audience: "everyone", default: true },
  { kind: "ticket_resolved", label: "My ticket is resolved", audience: "everyone", default: true },
  { kind: "requester_comment", label: "A requester replies on a ticket assigned to me", audience: "staff", default: true },
  { kind: "assigned", label: "A ticket is assigned to me", audience: "staff", default: true },
  { kind: "unassigned_ticket", label: "A new ticket arrives with no assignee", audience: "staff", default: false },
] as const;

export type NotificationKind = (typeof NOTIFICATION_KINDS)[number]["kind"];

export const KIND_NAMES = NOTIFICATION_KINDS.map((k) => k.kind) as [NotificationKind, ...NotificationKind[]];

/** The kinds a person of this role can receive (a requester is never assigned a ticket). */
export function kindsFor(role: Role) {
  return NOTIFICATION_KINDS.filter((k) => k.audience === "everyone" || isStaff({ role }));
}

export function builtInDefault(kind: NotificationKind): boolean {
  return NOTIFICATION_KINDS.find((k) => k.kind === kind)!.default;
}
