// The dashboard's unit filter in a round with many units: the units are found as one types in
// "Search unit" (the form's GET search works without this), within the chosen department. The
// chosen unit stays in the list, unless another department is chosen.
(function () {
  "use strict";
  function init() {
    var input = document.getElementById("id_unit_q");
    var select = document.getElementById("id_unit");
    if (!input || !select || !window.fetch || !window.mioLiveSearch) return;
    var department = document.getElementById("id_department");
    var note = document.querySelector("[data-unit-note]");
    function chosen() {
      var option = select.options[select.selectedIndex];
      if (!option || !option.value) return null;
      return {
        id: option.value,
        name: option.textContent,
        department_id: option.getAttribute("data-department"),
        department: option.parentNode.label || "",
      };
    }

    function render(data) {
      var kept = chosen();
      // A unit of another department would be refused: "All units" of the new one instead.
      if (kept && department && department.value && kept.department_id !== department.value) kept = null;
      var units = data.units.slice();
      var listed = units.some(function (unit) { return kept && String(unit.id) === kept.id; });
      if (kept && !listed) units.unshift(kept); // first, as the page lists it
      var all = select.options[0];
      select.replaceChildren(all);
      var group = null;
      units.forEach(function (unit) {
        if (!group || group.label !== unit.department) {
          group = document.createElement("optgroup");
          group.label = unit.department;
          select.appendChild(group);
        }
        var option = document.createElement("option");
        option.value = unit.id;
        option.textContent = unit.name;
        option.setAttribute("data-department", unit.department_id);
        group.appendChild(option);
      });
      select.value = kept ? kept.id : "";
      if (note) note.textContent = data.note;
    }

    var searchNow = window.mioLiveSearch(input, function () {
      var params = new URLSearchParams({ q: input.value });
      if (department && department.value) params.append("department", department.value);
      return params;
    }, render);
    if (department) department.addEventListener("change", searchNow);
  }
  document.addEventListener("DOMContentLoaded", init);
})();
