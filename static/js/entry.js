// Copy controls on entry pages: citations and paragraph links. Without JavaScript (or a
// clipboard) the buttons stay hidden and the text and ¶ links remain to copy by hand.
function announce(message) {
  const status = document.getElementById("copy-status");
  if (status) status.textContent = message;
}

function copy(text, what) {
  navigator.clipboard.writeText(text).then(
    () => announce(`${what} copied.`),
    () => announce(`Could not copy the ${what.toLowerCase()}.`),
  );
}

document.addEventListener("DOMContentLoaded", () => {
  if (!navigator.clipboard) return;
  for (const button of document.querySelectorAll("[data-copy-text], [data-copy-anchor]")) {
    button.hidden = false;
    button.addEventListener("click", () => {
      if (button.dataset.copyAnchor) {
        const url = new URL(window.location.href);
        url.search = "";
        url.hash = button.dataset.copyAnchor;
        copy(url.toString(), "Link");
      } else {
        const text = document.getElementById(button.dataset.copyText).textContent.trim();
        copy(text, "Citation");
      }
    });
  }
});

// The searched words marked in the text: step through them with the bar's buttons (the
// page works without: a link goes to the first). Arriving, the first is scrolled into
// view, unless the address names a place (a paragraph link) to go to instead.
document.addEventListener("DOMContentLoaded", () => {
  const marks = Array.from(document.querySelectorAll("mark[id^='match-']"));
  const status = document.getElementById("match-status");
  if (!marks.length || !status) return;
  const total = marks.length;
  const smooth = !window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  let current = -1;

  function show(index, focus, scroll = true) {
    if (current >= 0) marks[current].classList.remove("current");
    current = (index + total) % total;
    const mark = marks[current];
    mark.classList.add("current");
    mark.setAttribute("tabindex", "-1");
    if (scroll) mark.scrollIntoView({ block: "center", behavior: smooth && focus ? "smooth" : "auto" });
    if (focus) mark.focus({ preventScroll: true });
    status.textContent = status.dataset.template
      .replace("%(current)s", current + 1)
      .replace("%(total)s", total);
  }

  status.dataset.template = status.closest("[data-step-label]")?.dataset.stepLabel || status.textContent;
  for (const button of document.querySelectorAll("[data-match-step]")) {
    button.hidden = false;
    button.addEventListener("click", () => show(current + Number(button.dataset.matchStep), true));
  }
  const first = document.querySelector(".match-first");
  if (first) first.hidden = true;
  if (!window.location.hash) {
    // Arriving: the first match is the current one, brought into view only as far as the
    // title and the search's bar ("2 of 3") stay in view above it; the bar steps on.
    show(0, false, false);
    const kept = document.querySelector(".search-context") || document.querySelector("h1");
    const keptTop = kept.getBoundingClientRect().top + window.scrollY;
    const markBottom = marks[0].getBoundingClientRect().bottom + window.scrollY;
    const needed = markBottom + 16 - window.innerHeight;
    if (needed > 0) window.scrollTo({ top: Math.min(needed, keptTop - 8), behavior: "instant" });
  }
});

// On a phone the paragraph links sit over the text's corner, shown when a paragraph is
// tapped (or a link in it has the keyboard's focus), so they never narrow the text.
document.addEventListener("click", (event) => {
  const paragraph = event.target.closest(".paragraph");
  for (const shown of document.querySelectorAll(".paragraph.tools-shown")) {
    if (shown !== paragraph) shown.classList.remove("tools-shown");
  }
  if (paragraph && !event.target.closest("a, button")) paragraph.classList.toggle("tools-shown");
});
