// A wide table or chart scrolls inside its box; make such a box reachable by keyboard (WCAG 2.1.1),
// and only when it really scrolls, so that the rest add no tab stops. Loaded on every page by
// base.html: the one way a scrolling box gets its tab stop (no template writes tabindex="0").
// The region is named by the box's data-region-label, else its table caption, chart image's alt
// text (its title), figure caption or chart label; data-region-labelledby names it by another
// element's id (a heading).
(function () {
  "use strict";
  function mark() {
    document.querySelectorAll(".table-responsive, .chart").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        if (box.dataset.regionLabelledby) {
          box.setAttribute("aria-labelledby", box.dataset.regionLabelledby);
          return;
        }
        var caption = box.querySelector("caption, figcaption, svg[aria-label], img[alt]");
        var name = box.dataset.regionLabel ||
          (caption ? (caption.getAttribute("aria-label") || caption.getAttribute("alt") || caption.textContent).trim() : "");
        if (name) box.setAttribute("aria-label", name);
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
        box.removeAttribute("aria-labelledby");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", mark);
  window.addEventListener("resize", mark);
  document.addEventListener("toggle", mark, true);  // a <details> opened shows a table
})();
