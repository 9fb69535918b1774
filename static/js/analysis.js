// A wide table or chart scrolls inside its box; make such a box reachable by keyboard (WCAG 2.1.1),
// and only when it really scrolls, so that the rest add no tab stops.
(function () {
  "use strict";
  function mark() {
    document.querySelectorAll(".table-responsive, .chart").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        var caption = box.querySelector("caption, figcaption, svg[aria-label]");
        var name = caption ? (caption.getAttribute("aria-label") || caption.textContent).trim() : "";
        if (name) box.setAttribute("aria-label", name);
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", mark);
  window.addEventListener("resize", mark);
  document.addEventListener("toggle", mark, true);  // a <details> opened shows a table
})();
