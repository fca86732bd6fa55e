import { expect, test } from "./fixtures";

/** On a phone the filters fold under one line that says which are on, with JavaScript or without. */
test.use({ viewport: { width: 390, height: 844 } });

test("the filters fold on a phone, say which are on, and open on a tap", async ({ as }) => {
  const ada = await as("admin");
  await ada.goto("/tickets?status=Open&priority=High");
  await expect(ada.getByLabel("Search")).toBeVisible();
  await expect(ada.getByLabel("Status")).toBeHidden();
  const summary = ada.locator("summary", { hasText: "Filters" });
  await expect(summary).toHaveText(/Filters: Open, High/);
  await summary.click();
  await expect(ada.getByLabel("Status")).toBeVisible();
  await ada.getByLabel("Priority").selectOption(["Urgent"]);
  await ada.getByRole("button", { name: "Apply filters" }).click();
  await expect(ada).toHaveURL(/priority=Urgent/);
  await expect(ada.locator("summary", { hasText: "Filters" })).toHaveText(/Filters: Open, Urgent/);
});

test("on a wide screen the filters are always shown", async ({ as }) => {
  const ada = await as("admin");
  await ada.setViewportSize({ width: 1280, height: 800 });
  await ada.goto("/tickets");
  for (const name of ["Search", "Status", "Priority", "Assignee"]) await expect(ada.getByLabel(name, { exact: true })).toBeVisible();
  await expect(ada.locator("summary", { hasText: "Filters" })).toBeHidden();
});
