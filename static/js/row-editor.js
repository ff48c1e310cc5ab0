// Row editors (reminder points, escalation steps): show the filled rows and one empty row;
// "Add a row" shows the next hidden one. Without this script every row shows; the server
// ignores empty rows either way.
(function () {
  "use strict";
  function empty(line) {
    return Array.prototype.every.call(line.querySelectorAll("input, select"), function (el) {
      return !el.value;
    });
  }
  document.querySelectorAll(".rows").forEach(function (box) {
    var lines = Array.prototype.slice.call(box.querySelectorAll(".row-line"));
    var add = box.querySelector(".row-add");
    var shownEmpty = false;
    lines.forEach(function (line) {
      if (empty(line)) {
        if (shownEmpty) line.hidden = true;
        shownEmpty = true;
      }
    });
    function refresh() {
      add.hidden = !lines.some(function (line) { return line.hidden; });
    }
    add.addEventListener("click", function () {
      var next = lines.find(function (line) { return line.hidden; });
      if (next) {
        next.hidden = false;
        var first = next.querySelector("input, select");
        if (first) first.focus();
      }
      refresh();
    });
    refresh();
  });
})();
