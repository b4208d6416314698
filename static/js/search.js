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

// After a filter, a chip or a year is chosen, the keyboard goes on from the results (the
// links it was on have been replaced); after "Show all", from the box that narrows them.
document.addEventListener("htmx:afterSettle", (event) => {
  const source = event.detail.requestConfig && event.detail.requestConfig.elt;
  if (!source || !source.closest || !source.closest(".filters, .chips")) return;
  const facet = source.classList.contains("facet-more") && source.closest(".facet");
  if (facet) offerFacetFilters(); // the box is shown before it can take the focus
  const box = facet && document.getElementById(`filter-${facet.dataset.facet}`);
  const target = box || document.getElementById("results-heading");
  if (target) target.focus();
});

// On a phone the filters come before the results, folded under their "Refine" button
// (unfolded they would push the results off the screen); unfolding them is remembered
// while one filters. Without JavaScript they stay unfolded.
const narrowScreen = window.matchMedia("(max-width: 50rem)");

function foldFiltersOnPhones() {
  const filters = document.querySelector(".filters-toggle");
  if (!filters || !narrowScreen.matches) return;
  filters.open = sessionStorage.getItem("filters-open") === "1";
  filters.addEventListener("toggle", () => {
    sessionStorage.setItem("filters-open", filters.open ? "1" : "0");
  });
}

document.addEventListener("DOMContentLoaded", foldFiltersOnPhones);
document.addEventListener("htmx:afterSettle", foldFiltersOnPhones);

// A facet listing many values (all of them, after "Show all") gets a box that narrows the
// list to the values whose name holds what is typed, keeping the broader topics they sit
// under. Without JavaScript the box stays hidden and the list whole.
function fold(text) {
  return text.normalize("NFKC").toLocaleLowerCase();
}

function narrowFacet(input) {
  const list = document.getElementById(input.dataset.facetFilter);
  if (!list) return;
  const wanted = fold(input.value.trim());
  const items = Array.from(list.children);
  const byValue = new Map(items.map((item) => [item.dataset.value, item]));
  const shown = new Set();
  for (const item of items) {
    const label = item.querySelector(".label");
    if (wanted && !(label && fold(label.textContent).includes(wanted))) continue;
    for (let kept = item; kept && !shown.has(kept); kept = byValue.get(kept.dataset.parent)) {
      shown.add(kept);
    }
  }
  for (const item of items) item.hidden = !shown.has(item);
}

function offerFacetFilters() {
  for (const input of document.querySelectorAll("input[data-facet-filter]")) {
    input.closest(".facet-filter").hidden = false;
    if (input.dataset.ready) continue;
    input.dataset.ready = "1";
    input.addEventListener("input", () => narrowFacet(input));
  }
}

document.addEventListener("DOMContentLoaded", offerFacetFilters);
document.addEventListener("htmx:afterSettle", offerFacetFilters);
