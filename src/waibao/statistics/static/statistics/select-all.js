// The review list's "select all" box ticks every record's box (kept out of the page: the CSP allows no inline script).
(function () {
  "use strict";
  var all = document.getElementById("select-all");
  if (!all) { return; }
  all.addEventListener("change", function () {
    document.querySelectorAll("#review-table input[name=ids]").forEach(function (box) { box.checked = all.checked; });
  });
})();
