// The blank paper form: its Print button is shown only when JavaScript can press it for you.
for (const button of document.querySelectorAll("[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
