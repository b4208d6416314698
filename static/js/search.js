// Keep the typed query in the page snapshot htmx stores for back/forward, so returning
// to a search shows the words that produced it.
document.addEventListener("htmx:beforeHistorySave", () => {
  const input = document.getElementById("q");
  if (input) input.setAttribute("value", input.value);
});
// After back/forward restores a snapshot, the input's live value follows its attribute.
document.addEventListener("htmx:historyRestore", () => {
  const input = document.getElementById("q");
  if (input) input.value = input.getAttribute("value") || "";
});
