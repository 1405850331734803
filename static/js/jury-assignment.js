/*
 * Organisers' assignment page: while a run is waiting or in progress, ask the
 * server for its progress every two seconds and show it; reload the page once
 * the run is finished, to show the plan. Without JavaScript, the page offers
 * a refresh link.
 *
 * Markup: <section data-progress-url="..."> holding <progress>,
 * [data-progress-state] and [data-progress-step].
 */
(function () {
  "use strict";
  var section = document.querySelector("[data-progress-url]");
  if (!section || !window.fetch) {
    return;
  }
  var url = section.getAttribute("data-progress-url");
  var bar = section.querySelector("progress");
  var state = section.querySelector("[data-progress-state]");
  var step = section.querySelector("[data-progress-step]");

  function show(status) {
    if (bar) {
      bar.value = status.progress;
      bar.textContent = status.progress + "\u202f%";
    }
    if (state) {
      state.textContent = status.state;
    }
    if (step) {
      step.textContent = status.step;
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (status) {
        show(status);
        if (status.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 2000);
        }
      })
      .catch(function () {
        // Leave the refresh link to the user rather than hammer the server.
      });
  }

  window.setTimeout(poll, 1000);
})();
