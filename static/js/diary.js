// The day form in the browser: live totals and warnings next to where one types, the phone's folded
// rows, keys for the ratings, and a question before unsaved input is lost. The page works without
// this: every row is shown, and the server totals and checks everything when the form is saved.
(function () {
  "use strict";

  // A box as typed: a whole number of minutes (0 when empty), or null when it is not one ("abc", "1,5", "-5",
  // "+5", "１０"): plain digits only, the rule the server applies too (surveys/forms.py MinutesField).
  function typed(input) {
    var text = input.value.trim();
    if (text === "") return 0;
    if (!/^\d+$/.test(text)) return null;
    return parseInt(text, 10);
  }

  // A number as digits: String(1e23) would read "1e+23" for a long row of nines typed in a box.
  function digits(number) {
    return number.toLocaleString("en-US", { useGrouping: false, maximumFractionDigits: 0 });
  }

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }

  function visible(element) {
    return element.getClientRects().length > 0;
  }

  function toArray(list) {
    return Array.prototype.slice.call(list);
  }

  document.querySelectorAll("form[data-diary]").forEach(function (form) {
    var rows = toArray(form.querySelectorAll("[data-row]"));
    var warning = form.querySelector("[data-live-warning]");
    var announcer = form.querySelector("[data-live-announce]");
    var announced = [];
    var bar = form.querySelector("[data-actions]");

    // --- Live totals; the boxes and hours in error are marked beside their rows, and counted in the sticky bar.

    // Each message on a line of its own, so that two problems never run together.
    function showMessages(element, messages) {
      if (toArray(element.children).map(function (line) { return line.textContent; }).join("\n") === messages.join("\n")) return;
      element.textContent = "";
      messages.forEach(function (message) {
        var line = document.createElement("span");
        line.className = "d-block";
        line.textContent = message;
        element.appendChild(line);
      });
    }

    function liveId(row) {
      return "live-" + row.id;
    }

    function rowWarning(row, messages) {
      var element = row.querySelector("[data-row-warning]");
      if (!messages.length) {
        if (element) element.remove();
        return;
      }
      if (!element) {
        element = document.createElement("div");
        element.className = "diary-row-warning";
        element.setAttribute("data-row-warning", "");
        element.id = liveId(row);
        var hours = row.querySelectorAll(".diary-hour");
        hours[hours.length - 1].after(element);
      }
      showMessages(element, messages);
    }

    // The sticky bar stays one line: "3 fel", a link to the first marked box. The messages themselves stand
    // beside the rows; listed in the bar they grew it taller than a phone's screen, over the boxes to fix.
    function showCount(count, first) {
      if (!warning) return;
      if (!count) {
        warning.textContent = "";
        return;
      }
      var link = warning.querySelector("a");
      if (!link) {
        warning.textContent = "";
        link = document.createElement("a");
        link.className = "diary-warning-link";
        link.setAttribute("data-first-problem", "");
        link.addEventListener("click", function (event) {
          var target = document.getElementById(link.hash.slice(1));
          if (!target) return;
          event.preventDefault();
          goTo(target);
        });
        warning.appendChild(link);
      }
      var text = format(count === 1 ? form.dataset.problemsOne : form.dataset.problemsOther, { count: count });
      if (link.textContent !== text) link.textContent = text;
      link.href = "#" + first.id;
    }

    // The problems that were not there before the last keystroke, read out once; the totals are not live.
    function announce(problems) {
      if (!announcer) return;
      var fresh = problems.filter(function (problem) { return announced.indexOf(problem) < 0; });
      announced = problems;
      if (fresh.length) announcer.textContent = fresh.join(" ");
      else if (!problems.length) announcer.textContent = "";
    }

    // A box that is not a whole number, named by its hour beside its row. A number over 60 needs no message of
    // its own: its hour is over 60 with it.
    function boxMessage(input, where) {
      return typed(input) === null ? format(form.dataset.invalidMessage, { where: where }) : null;
    }

    // `quiet`: on page load the server's own messages stand beside the rows; the live ones follow typing.
    function recompute(quiet) {
      var hourTotals = {};
      var times = {};
      rows.forEach(function (row) {
        var total = 0;
        row.querySelectorAll("input[data-hour]").forEach(function (input) {
          var hour = input.dataset.hour;
          // What was typed counts, 70 too (as the server's totals): the hour it fills over 60 is marked.
          var value = typed(input);
          times[hour] = input.dataset.time;
          if (value === null) return;
          total += value;
          hourTotals[hour] = (hourTotals[hour] || 0) + value;
        });
        row.querySelector("[data-row-total]").textContent = digits(total);
      });
      var day = 0;
      var over = {};
      var count = 0;
      form.querySelectorAll("[data-hour-total]").forEach(function (output) {
        var hour = output.dataset.hourTotal;
        var total = hourTotals[hour] || 0;
        day += total;
        output.textContent = digits(total);
        output.parentElement.classList.toggle("over", total > 60);
        if (total > 60) {
          over[hour] = format(form.dataset.overMessage, { time: times[hour], total: digits(total) });
          count += 1;
        }
      });
      // Only the offending boxes are marked: a wrong number, or minutes in an hour over 60. One message per
      // problem, in the order of the hours.
      var first = null;
      var problems = [];
      rows.forEach(function (row) {
        var messages = [];
        var label = row.querySelector(".diary-label").textContent;
        // A marked box is linked to the message beside its row, as the server's marks are; while the server's
        // messages stand (until the row changes), its links stay.
        var linked = quiet !== true && !row.querySelector("[data-row-errors]");
        row.querySelectorAll("input[data-hour]").forEach(function (input) {
          var overHour = over[input.dataset.hour] && typed(input) > 0;
          var own = boxMessage(input, input.dataset.time);
          var bad = own !== null || overHour;
          input.classList.toggle("is-invalid", Boolean(bad));
          if (bad) input.setAttribute("aria-invalid", "true");
          else input.removeAttribute("aria-invalid");
          if (linked && bad) input.setAttribute("aria-describedby", liveId(row));
          else if (linked) input.removeAttribute("aria-describedby");
          if (bad && !first) first = input;
          if (own !== null) {
            messages.push(own);
            problems.push(boxMessage(input, label + ", " + input.dataset.time));
            count += 1;
          }
          if (overHour) messages.push(over[input.dataset.hour]);
        });
        if (quiet !== true) rowWarning(row, messages);
      });
      form.querySelectorAll("[data-day-total], [data-day-sum]").forEach(function (output) {
        output.textContent = digits(day);
      });
      showCount(count, first);
      problems = problems.concat(Object.keys(over).map(function (hour) { return over[hour]; }));
      // On load the server's messages are on the page already: only what typing brings is announced.
      if (quiet === true) announced = problems;
      else announce(problems);
      padForBar();
    }

    // Keep a focused field (by Tab or by a link in the error list) out from under the sticky bar.
    function padForBar() {
      if (bar) document.documentElement.style.scrollPaddingBottom = bar.offsetHeight + 8 + "px";
    }

    // A script's focus() does not always honour the scroll padding: scroll a box hidden by the bar out myself.
    // Text boxes only: a rating's radio is focused as its label is pressed, and scrolling then loses the click.
    form.addEventListener("focusin", function (event) {
      if (!bar || bar.contains(event.target) || !event.target.matches("input[type=text]")) return;
      var field = event.target.getBoundingClientRect();
      var barTop = bar.getBoundingClientRect().top;
      if (field.height && field.bottom > barTop - 8 && field.top < window.innerHeight) window.scrollBy(0, field.bottom - barTop + 8);
    });

    // The server's messages beside a row describe the day as it was sent. Once the row changes, or an hour in
    // which the row has a marked box (an hour over 60 marks every row in it), they are out of date: they go
    // with their marks and links, and the live check says what is still wrong.
    function dropServerErrors(row) {
      var errors = row.querySelector("[data-row-errors]");
      if (!errors) return;
      row.querySelectorAll("[aria-describedby]").forEach(function (field) {
        if (field.getAttribute("aria-describedby") !== errors.id) return;
        field.removeAttribute("aria-describedby");
        field.removeAttribute("aria-invalid");
        field.classList.remove("is-invalid");
      });
      row.querySelectorAll(".has-error").forEach(function (element) { element.classList.remove("has-error"); });
      row.classList.remove("has-error");
      errors.remove();
    }

    form.addEventListener("input", function (event) {
      var row = event.target.closest("[data-row]");
      if (!row) return;
      dropServerErrors(row);
      var hour = event.target.dataset.hour;
      if (!hour) return;
      rows.forEach(function (other) {
        var errors = other.querySelector("[data-row-errors]");
        var box = other.querySelector('input[data-hour="' + hour + '"]');
        if (errors && box && box.getAttribute("aria-describedby") === errors.id) dropServerErrors(other);
      });
    });
    form.addEventListener("input", recompute);

    // Typing counts as activity: without this a day filled between meetings, with the page open since the
    // morning, ends in the idle timeout (mio/sessions.py). At most one small request every five minutes.
    var keepAliveUrl = form.dataset.keepAlive;
    var keptAliveAt = Date.now();
    form.addEventListener("input", function () {
      if (!keepAliveUrl || !window.fetch || Date.now() - keptAliveAt < 5 * 60 * 1000) return;
      keptAliveAt = Date.now();
      var token = form.querySelector("input[name=csrfmiddlewaretoken]");
      fetch(keepAliveUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": token ? token.value : "" },
      }).catch(function () {});
    });
    window.addEventListener("resize", padForBar);
    recompute(true);

    // --- On a phone, rows without anything in them fold to one line; a tap unfolds one.

    var toggleAll = form.querySelector("[data-toggle-all]");

    function hasContent(row) {
      var typed = toArray(row.querySelectorAll("input[type=text]")).some(function (input) {
        return input.value.trim() !== "";
      });
      var rated = toArray(row.querySelectorAll("input[type=radio]:checked")).some(function (radio) {
        return radio.value !== "";
      });
      return typed || rated;
    }

    function isFilled(row) {
      return hasContent(row) || row.classList.contains("has-error");
    }

    function isCollapsed(row) {
      return row.classList.contains("is-collapsed");
    }

    function setOpen(row, open) {
      row.classList.toggle("is-collapsed", !open);
      row.querySelector("[data-expand]").setAttribute("aria-expanded", String(open));
    }

    function labelToggleAll() {
      if (toggleAll) toggleAll.textContent = rows.some(isCollapsed) ? form.dataset.showAll : form.dataset.showFilled;
    }

    rows.forEach(function (row) {
      var button = row.querySelector("[data-expand]");
      button.hidden = false;
      setOpen(row, !row.hasAttribute("data-empty"));
      button.addEventListener("click", function () {
        var open = isCollapsed(row);
        setOpen(row, open);
        labelToggleAll();
        var first = row.querySelector("input[data-hour]");
        if (open && first && visible(first)) first.focus();
      });
    });
    if (toggleAll) {
      form.querySelector("[data-tools]").hidden = false;
      labelToggleAll();
      toggleAll.addEventListener("click", function () {
        var showAll = rows.some(isCollapsed);
        rows.forEach(function (row) { setOpen(row, showAll || isFilled(row)); });
        labelToggleAll();
      });
    }

    // Where the keyboard starts in the grid: the first hour box of an open row, or a folded row's button.
    function firstStop() {
      for (var index = 0; index < rows.length; index += 1) {
        var row = rows[index];
        var button = row.querySelector("[data-expand]");
        var stop = isCollapsed(row) && visible(button) ? button : row.querySelector("input[data-hour]");
        if (stop && visible(stop) && !stop.disabled) return stop;
      }
      return null;
    }

    document.querySelectorAll("[data-skip-to-diary]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var stop = firstStop();
        if (!stop) return;
        event.preventDefault();
        stop.focus();
      });
    });

    // --- The error list's links go to the box itself, unfolding its row; a rating's link to its buttons.

    function goTo(target) {
      var row = target.closest("[data-row]");
      if (row && isCollapsed(row)) setOpen(row, true);
      if (target.matches("fieldset")) target = target.querySelector("input:checked") || target.querySelector("input");
      target.focus();
    }

    document.querySelectorAll("[data-error-summary] a[data-field-link]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
        if (!target) return;
        event.preventDefault();
        goTo(target);
      });
    });
    var summary = document.querySelector("[data-error-summary]");
    if (summary && document.activeElement !== summary) summary.focus();

    // --- Cells copied from a spreadsheet and pasted into an hour box spread as a spreadsheet pastes them: from
    // that box over the row's following hours, and a second copied row over the same hours of the next task row.
    // Excel puts "30\t\t15\r\n" on the clipboard: cells split by tabs, every row ended by a line break. A plain
    // number keeps the browser's own paste.

    var pasteNote = null;

    // The clipboard's text as rows of cells. The line break Excel ends its last row with starts no row of its own.
    function copiedRows(text) {
      return text.replace(/\r\n?/g, "\n").replace(/\n$/, "").split("\n").map(function (line) {
        return line.split("\t").map(function (cell) { return cell.trim(); });
      });
    }

    function dropPasteNote() {
      if (pasteNote) pasteNote.remove();
      pasteNote = null;
    }

    // What did not fit, under the row pasted into (where a row's own warnings stand) and read out once.
    function showPasteNote(row, messages) {
      pasteNote = document.createElement("div");
      pasteNote.className = "diary-paste-note";
      pasteNote.setAttribute("data-paste-note", "");
      showMessages(pasteNote, messages);
      row.querySelector(".diary-fields").appendChild(pasteNote);
      if (announcer) announcer.textContent = [announcer.textContent].concat(messages).join(" ").trim();
    }

    function paste(start, text) {
      var startRow = rows.indexOf(start.closest("[data-row]"));
      var column = toArray(rows[startRow].querySelectorAll("input[data-hour]")).indexOf(start);
      var changed = [];
      var cellsLeft = 0;  // cells with something in them beyond the last hour
      var rowsLeft = 0;  // copied rows with something in them beyond the last task row
      var lastBox = null;
      copiedRows(text).forEach(function (cells, offset) {
        var row = rows[startRow + offset];
        if (!row) {
          if (cells.some(function (cell) { return cell !== ""; })) rowsLeft += 1;
          return;
        }
        var boxes = toArray(row.querySelectorAll("input[data-hour]"));
        lastBox = boxes[boxes.length - 1];
        cells.forEach(function (cell, index) {
          var box = boxes[column + index];
          if (!box) {
            if (cell !== "") cellsLeft += 1;
            return;
          }
          // Empty is an empty box; anything else goes in as it is, "1,5" and 75 too: the live check and the
          // server's say what is wrong with it, as when typed.
          if (box.value === cell) return;
          box.value = cell;
          changed.push(box);
        });
      });
      // Every box holds its cell before the first event, so the totals and checks after each event are of the
      // pasted day, and the problems read out are the ones it has, not those of a half-pasted one.
      dropPasteNote();
      if (announcer) announcer.textContent = "";
      changed.forEach(function (box) {
        box.dispatchEvent(new Event("input", { bubbles: true }));
        box.dispatchEvent(new Event("change", { bubbles: true }));
        var row = box.closest("[data-row]");
        if (isCollapsed(row)) setOpen(row, true);  // a phone's folded row shows what it got
      });
      labelToggleAll();
      var messages = [];
      if (cellsLeft) {
        var hours = cellsLeft === 1 ? form.dataset.pasteHoursOne : form.dataset.pasteHoursOther;
        messages.push(format(hours, { count: cellsLeft, time: lastBox.dataset.time }));
      }
      if (rowsLeft) {
        var tasks = rowsLeft === 1 ? form.dataset.pasteRowsOne : form.dataset.pasteRowsOther;
        var last = rows[rows.length - 1].querySelector(".diary-label").textContent;
        messages.push(format(tasks, { count: rowsLeft, task: last }));
      }
      if (messages.length) showPasteNote(rows[startRow], messages);
    }

    form.addEventListener("paste", function (event) {
      var box = event.target;
      if (!box.matches("input[data-hour]") || box.disabled || box.readOnly || !event.clipboardData) return;
      var text = event.clipboardData.getData("text/plain");
      if (!/[\t\r\n]/.test(text)) return;
      event.preventDefault();
      paste(box, text);
    });
    // The note tells about the paste just made; the next thing typed (or pasted) is about something else.
    form.addEventListener("input", dropPasteNote);

    // --- Ratings: 1–4 choose, "-", 0, Backspace or Delete clear; the arrows stop at the ends instead of
    // wrapping from "–" round to 4.

    form.querySelectorAll("[data-rating]").forEach(function (group) {
      var radios = toArray(group.querySelectorAll("input[type=radio]"));
      group.addEventListener("keydown", function (event) {
        if (!event.target.matches("input[type=radio]") || event.altKey || event.ctrlKey || event.metaKey) return;
        var index = radios.indexOf(event.target);
        var next;
        if (/^[1-4]$/.test(event.key)) next = parseInt(event.key, 10);
        else if (["-", "0", "Backspace", "Delete"].indexOf(event.key) >= 0) next = 0;
        else if (event.key === "ArrowLeft" || event.key === "ArrowUp") next = Math.max(0, index - 1);
        else if (event.key === "ArrowRight" || event.key === "ArrowDown") next = Math.min(radios.length - 1, index + 1);
        else if (event.key === "Home") next = 0;
        else if (event.key === "End") next = radios.length - 1;
        else return;
        event.preventDefault();
        var radio = radios[next];
        if (!radio || radio.disabled) return;
        radio.focus();
        if (!radio.checked) radio.click();
      });
    });

    // --- Unsaved input: leaving the page or filling it from the previous day asks first.

    function state() {
      return new URLSearchParams(new FormData(form)).toString();
    }
    var saved = state();
    var submitting = false;
    var leaving = false;

    function unsaved() {
      // data-unsaved: what the page shows was never stored (a refused save, or rows from another day).
      return form.hasAttribute("data-unsaved") || state() !== saved;
    }

    form.addEventListener("submit", function () { submitting = true; });
    window.addEventListener("pageshow", function () { submitting = false; leaving = false; });
    window.addEventListener("beforeunload", function (event) {
      if (submitting || leaving || !unsaved()) return;
      event.preventDefault();
      event.returnValue = "";
    });
    // Switching language reloads the page from the server without what was typed: asked in the app's own words
    // rather than by the browser's wordless leave prompt.
    document.querySelectorAll("form[data-language-form]").forEach(function (languageForm) {
      languageForm.addEventListener("submit", function (event) {
        if (!unsaved()) return;
        if (!window.confirm(form.dataset.confirmLanguage)) {
          event.preventDefault();
          return;
        }
        leaving = true;  // asked already; the browser need not ask again
      });
    });
    // "Start from my previous day" replaces whatever the page shows, a saved day's rows as much as typed ones.
    document.querySelectorAll("a[data-confirm-unsaved]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var question = null;
        if (unsaved()) question = link.dataset.confirmUnsaved;
        else if (link.dataset.confirmReplace && rows.some(hasContent)) question = link.dataset.confirmReplace;
        if (question && !window.confirm(question)) {
          event.preventDefault();
          return;
        }
        leaving = true;  // asked already; the browser need not ask again
      });
    });
  });
})();
