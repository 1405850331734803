/*
 * A "Copy" button on each code example of the API "Get started" page.
 * The labels come from the data-copy-label element of the page, so the text is
 * translated in the template, not here.
 */
(function () {
  "use strict";
  if (!navigator.clipboard) {
    return;
  }
  var holder = document.querySelector("[data-copy-label]");
  if (!holder) {
    return;
  }
  var label = holder.getAttribute("data-copy-label");
  var done = holder.getAttribute("data-copied-label");
  document.querySelectorAll("pre > code").forEach(function (code) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-secondary btn-small";
    button.textContent = label;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(code.textContent).then(function () {
        button.textContent = done;
        window.setTimeout(function () {
          button.textContent = label;
        }, 2000);
      });
    });
    code.parentNode.insertAdjacentElement("afterend", button);
  });
})();
