// Back and forward restore htmx's snapshot of the page, which keeps attributes, not what
// was typed. After each update the search box's value attribute is set to the query the
// results are for, so a restored page shows the words that produced it.
function searchedQuery() {
  const body = document.getElementById("search-body");
  return body ? body.dataset.query : null;
}

document.addEventListener("htmx:afterSettle", () => {
  const input = document.getElementById("q");
  const query = searchedQuery();
  if (input && query !== null) input.setAttribute("value", query);
});

document.addEventListener("htmx:historyRestore", () => {
  const input = document.getElementById("q");
  if (input) input.value = input.getAttribute("value") || "";
});

// Typing updates the results in place and replaces the address (one history entry per
// search, not one per pause); a submitted search, a filter or a sort pushes a new one.
document.addEventListener("htmx:configRequest", (event) => {
  const trigger = event.detail.triggeringEvent;
  if (trigger && trigger.type === "input") event.detail.headers["X-Search-Typing"] = "1";
});
