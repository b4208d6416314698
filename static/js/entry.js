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
