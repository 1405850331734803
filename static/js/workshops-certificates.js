/* The certificates page of a workshop: follows the progress of the
   generations running by polling their JSON status, and reloads the page when
   one is finished. Without JavaScript a link refreshes. */
(function () {
  "use strict";
  var pending = Array.prototype.filter.call(
    document.querySelectorAll("[data-run-status]"),
    function (row) { return row.querySelector("[data-run-progress]"); }
  );
  if (!pending.length || !window.fetch) { return; }

  function poll() {
    Promise.all(pending.map(function (row) {
      return fetch(row.getAttribute("data-run-status"), {
        credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      }).then(function (status) {
        var bar = row.querySelector("[data-run-progress]");
        var count = row.querySelector("[data-run-count]");
        var state = row.querySelector("[data-run-state]");
        if (bar) { bar.value = status.progress; bar.textContent = status.progress + "\u202f%"; }
        if (count) { count.textContent = status.done + " / " + status.total; }
        if (state) { state.textContent = status.state_label; }
        return status.finished;
      });
    })).then(function (finished) {
      if (finished.some(Boolean)) {
        window.location.reload();
      } else {
        window.setTimeout(poll, 1500);
      }
    }).catch(function () { /* the refresh link stays */ });
  }
  window.setTimeout(poll, 1500);
}());
