// Quick selection ticks the units of a group on the page; the server adds them either way.
// The groups (group key -> unit ids) sit in <script type="application/json" id="unit-groups">.
(function () {
  "use strict";
  var source = document.getElementById("unit-groups");
  if (!source) return;
  var groups = JSON.parse(source.textContent);
  document.querySelectorAll(".quick-units input").forEach(function (box) {
    box.addEventListener("change", function () {
      (groups[box.value] || []).forEach(function (id) {
        var unit = document.querySelector('input[name="units"][value="' + id + '"]');
        if (unit) unit.checked = box.checked;
      });
    });
  });
})();
