// Live row and hour totals for the day form. The page works without this: totals are also
// computed by the server when the form is shown again.
(function () {
  "use strict";

  function minutes(input) {
    var text = input.value.trim();
    if (text === "") return 0;
    if (!/^\d+$/.test(text)) return null;
    var value = parseInt(text, 10);
    return value <= 60 ? value : null;
  }

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }

  document.querySelectorAll("form[data-diary]").forEach(function (form) {
    var warning = form.querySelector("[data-live-warning]");

    function recompute() {
      var hourTotals = {};
      var invalid = false;
      form.querySelectorAll("[data-row]").forEach(function (row) {
        var total = 0;
        row.querySelectorAll("input[data-hour]").forEach(function (input) {
          var value = minutes(input);
          input.classList.toggle("is-invalid", value === null);
          if (value === null) { invalid = true; return; }
          total += value;
          hourTotals[input.dataset.hour] = (hourTotals[input.dataset.hour] || 0) + value;
        });
        var output = row.querySelector("[data-row-total]");
        if (output) output.textContent = total;
      });
      var day = 0;
      var problems = [];
      form.querySelectorAll("[data-hour-total]").forEach(function (output) {
        var hour = output.dataset.hourTotal;
        var total = hourTotals[hour] || 0;
        day += total;
        output.textContent = total;
        output.parentElement.classList.toggle("over", total > 60);
        if (total > 60) problems.push(format(form.dataset.overMessage, { hour: hour, total: total }));
      });
      if (invalid) problems.unshift(form.dataset.invalidMessage);
      form.querySelector("[data-day-total]").textContent = day;
      warning.textContent = problems.join(" ");
    }

    form.addEventListener("input", recompute);
  });
})();
