/**
 * Tags as chips: on a ticket's details and in the list's rows (staff only; callers decide). A
 * list, so that a screen reader says how many; each chip is the tag's one spelling. Named
 * "Tagged", not "Tags": the field that edits them (and the list's filter) is "Tags", and a label
 * lookup for it must find the field alone.
 */
export function TagList({ tags, label = "Tagged" }: { tags: readonly string[]; label?: string }) {
  if (tags.length === 0) return null;
  return (
    <ul className="tags" aria-label={label}>
      {tags.map((t) => (
        <li key={t} className="tag">{t}</li>
      ))}
    </ul>
  );
}
