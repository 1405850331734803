/* Files built in the background (annual report, jury dossier, certificates):
   follows the progress of the rows being built by polling their JSON status
   (portal/background.py's job_status), and reloads the page when one is
   finished (its download link or error then shows). Without JavaScript a
   link refreshes.

   A row: data-progress-status="<status URL>". Inside it, filled in from the
   status: data-progress-bar (the <progress>), data-progress-percent,
   data-progress-state (the state's label) and data-progress-count, whose
   data-progress-count-text is the translated "{done} of {total}". Only rows
   with a bar are polled. The script element may set data-progress-interval
   (milliseconds, 2000 by default). */
(function () {
  "use strict";
  var script = document.currentScript;
  var interval = Number(script && script.getAttribute("data-progress-interval")) || 2000;
  var pending = Array.prototype.filter.call(
    document.querySelectorAll("[data-progress-status]"),
    function (row) { return row.querySelector("[data-progress-bar]"); }
  );
  if (!pending.length || !window.fetch) { return; }

  function fill(row, status) {
    var percent = status.progress + "\u202f%";
    var bar = row.querySelector("[data-progress-bar]");
    var shown = row.querySelector("[data-progress-percent]");
    var state = row.querySelector("[data-progress-state]");
    var count = row.querySelector("[data-progress-count]");
    if (bar) { bar.value = status.progress; bar.textContent = percent; }
    if (shown) { shown.textContent = percent; }
    if (state) { state.textContent = status.state_label; }
    if (count && status.total !== undefined) {
      count.textContent = (count.getAttribute("data-progress-count-text") || "{done} / {total}")
        .replace("{done}", status.done).replace("{total}", status.total);
    }
  }

  function poll() {
    Promise.all(pending.map(function (row) {
      return fetch(row.getAttribute("data-progress-status"), {
        credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      }).then(function (status) {
        fill(row, status);
        return status.finished;
      });
    })).then(function (finished) {
      if (finished.some(Boolean)) {
        window.location.reload();
      } else {
        window.setTimeout(poll, interval);
      }
    }).catch(function () { /* the refresh link stays */ });
  }
  window.setTimeout(poll, interval);
}());
