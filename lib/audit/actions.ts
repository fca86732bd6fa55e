/**
 * What the audit log records, by the name stored and the words shown. Pure: the one list, for the
 * writer, the page's filter and the URL's parser.
 */
export const AUDIT_ACTIONS = {
  role_changed: "Role changed",
  invited: "Person invited",
  deactivated: "Person deactivated",
  reactivated: "Person reactivated",
  sign_up_settings: "Sign-up settings changed",
  mail_defaults: "Notification defaults changed",
  attachment_removed: "Attachment removed",
  tag_renamed: "Tag renamed",
  tag_merged: "Tags merged",
} as const;

export type AuditAction = keyof typeof AUDIT_ACTIONS;

export const isAuditAction = (v: unknown): v is AuditAction => typeof v === "string" && Object.hasOwn(AUDIT_ACTIONS, v);

/** Entries per page of the log. */
export const AUDIT_PAGE = 50;

/** The words for a stored action (one this version does not know shows as stored). */
export const auditActionLabel = (action: string) => (isAuditAction(action) ? AUDIT_ACTIONS[action] : action);
