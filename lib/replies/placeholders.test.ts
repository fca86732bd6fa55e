import { describe, expect, it } from "vitest";
import { fillPlaceholders, placeholderProblem, PLACEHOLDERS, unknownPlaceholders, written } from "./placeholders";

const values = { "requester.name": "Rita Requester", "ticket.number": "42", "ticket.title": "Printer on fire", "agent.name": "Ada Agent" };

describe("fillPlaceholders", () => {
  it("fills every placeholder, as often as it appears", () => {
    expect(fillPlaceholders("Hi {{requester.name}}, about #{{ticket.number}} ({{ticket.title}}): {{requester.name}}!\n— {{agent.name}}", values)).toBe(
      "Hi Rita Requester, about #42 (Printer on fire): Rita Requester!\n— Ada Agent",
    );
  });

  it("takes spaces inside the braces and any case", () => {
    expect(fillPlaceholders("{{ ticket.number }} {{Requester.Name}}", values)).toBe("42 Rita Requester");
  });

  it("never reads a value again: placeholder-like text in a title or name stays as it is", () => {
    const sly = { ...values, "ticket.title": "{{agent.name}} and {{requester.name}}", "requester.name": "{{ticket.title}}" };
    expect(fillPlaceholders("{{ticket.title}} / {{requester.name}}", sly)).toBe("{{agent.name}} and {{requester.name}} / {{ticket.title}}");
  });

  it("takes $ patterns in values literally (String.replace's specials)", () => {
    expect(fillPlaceholders("{{ticket.title}}", { ...values, "ticket.title": "$& $1 $$ $`" })).toBe("$& $1 $$ $`");
  });

  it("leaves text without placeholders, single braces and unknown ones as written", () => {
    expect(fillPlaceholders("{ticket.number} {{ticket.id}} {{}} plain", values)).toBe("{ticket.number} {{ticket.id}} {{}} plain");
  });
});

describe("unknownPlaceholders and placeholderProblem", () => {
  it("knows every placeholder it offers", () => {
    const all = PLACEHOLDERS.map((p) => written(p.key)).join(" ");
    expect(unknownPlaceholders(all)).toEqual([]);
    expect(placeholderProblem(all)).toBeNull();
  });

  it("names each unknown one once, and the ones to use", () => {
    expect(unknownPlaceholders("{{ticket.id}} {{ticket.id}} {{ name }} {{}}")).toEqual(["{{ticket.id}}", "{{ name }}", "{{}}"]);
    expect(placeholderProblem("Hi {{customer.name}}")).toBe(
      "Unknown placeholder: {{customer.name}}. Use {{requester.name}}, {{ticket.number}}, {{ticket.title}} or {{agent.name}}.",
    );
  });

  it("lists three and counts the rest", () => {
    expect(placeholderProblem("{{a}} {{b}} {{c}} {{d}} {{e}}")).toMatch(/^Unknown placeholders: \{\{a\}\}, \{\{b\}\}, \{\{c\}\} and 2 more\./);
  });

  it("does not take text across lines or past 50 characters for a placeholder", () => {
    expect(unknownPlaceholders("{{ticket.\nnumber}}")).toEqual([]);
    expect(unknownPlaceholders(`{{${"x".repeat(51)}}}`)).toEqual([]);
  });
});
