// Search as one types, shared by the analysis pages' pickers: 250 ms after the last key, ask the input's
// data-search-url with the parameters `params()` gives, and hand `render` the JSON of the latest request only
// (an older answer that arrives late is dropped). The page's own GET search works without this.
// Returns a function that searches at once (for a change elsewhere in the form).
window.mioLiveSearch = function (input, params, render) {
  "use strict";
  var timer = null;
  var latest = 0;

  function search() {
    var request = ++latest;
    fetch(input.getAttribute("data-search-url") + "?" + params().toString(), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data && request === latest) render(data); })
      .catch(function () { /* the search button still works */ });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(search, 250);
  });
  return function now() {
    window.clearTimeout(timer);
    search();
  };
};
