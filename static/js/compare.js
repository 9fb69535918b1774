// Compare managers: the search finds managers as one types (the page's GET search works without
// this). Managers ticked among the matches move to the chosen ones, so a new search keeps them.
(function () {
  "use strict";
  function init() {
    var input = document.getElementById("compare-q");
    var form = document.querySelector("[data-compare-form]");
    if (!input || !form || !window.fetch || !window.mioLiveSearch) return;
    var matches = form.querySelector("[data-matches]");
    var choices = form.querySelector(".compare-choices");
    function chosenBox() {
      var box = form.querySelector("[data-chosen]");
      if (!box) {
        box = document.createElement("div");
        box.setAttribute("data-chosen", "");
        choices.insertBefore(box, matches);
      }
      return box;
    }

    function keepTicked() {
      matches.querySelectorAll("input[name=m]:checked").forEach(function (box) {
        chosenBox().appendChild(box.closest(".form-check"));
      });
    }

    function chosenNumbers() {
      return Array.prototype.map.call(form.querySelectorAll("[data-chosen] input[name=m]"), function (box) {
        return box.value;
      });
    }

    function paragraph(text, className, marker) {
      var p = document.createElement("p");
      p.className = className;
      p.textContent = text;
      if (marker) p.setAttribute(marker, "");
      return p;
    }

    function render(data) {
      keepTicked();
      var chosen = chosenNumbers();
      matches.replaceChildren();
      if (data.heading) matches.appendChild(paragraph(data.heading, "small fw-semibold mb-1 mt-1"));
      var shown = 0;
      data.managers.forEach(function (manager) {
        if (chosen.indexOf(String(manager.number)) !== -1) return;
        var check = document.createElement("div");
        check.className = "form-check";
        var box = document.createElement("input");
        box.className = "form-check-input";
        box.type = "checkbox";
        box.name = "m";
        box.value = manager.number;
        box.id = "id_m_" + manager.number;
        var label = document.createElement("label");
        label.className = "form-check-label";
        label.htmlFor = box.id;
        label.textContent = manager.name;
        if (manager.unit) {
          var unit = document.createElement("span");
          unit.className = "text-body-secondary";
          unit.textContent = " · " + manager.unit;
          label.appendChild(unit);
        }
        check.appendChild(box);
        check.appendChild(label);
        matches.appendChild(check);
        shown += 1;
      });
      if (!shown) matches.appendChild(paragraph(data.empty, "small mb-0", "data-no-match"));
      if (data.more) matches.appendChild(paragraph(data.more, "small text-body-secondary mb-0 mt-1", "data-more"));
    }

    window.mioLiveSearch(input, function () {
      var params = new URLSearchParams({ q: input.value });
      chosenNumbers().forEach(function (number) { params.append("m", number); });
      return params;
    }, render);
  }
  document.addEventListener("DOMContentLoaded", init);
})();
