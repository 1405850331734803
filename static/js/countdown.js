/* Updates the server-rendered "closes in ..." text every minute. */
(function () {
  "use strict";
  var node = document.querySelector("[data-countdown]");
  if (!node) { return; }
  var source = document.getElementById(node.getAttribute("data-countdown"));
  if (!source) { return; }
  var config = JSON.parse(source.textContent);
  var closesAt = new Date(config.closes_at).getTime();

  function unit(name, count) {
    var forms = config.units[name];
    return (count === 1 ? forms[0] : forms[1]).replace("%(count)s", String(count));
  }

  function remaining(ms) {
    var seconds = Math.max(Math.floor(ms / 1000), 0);
    var days = Math.floor(seconds / 86400);
    var hours = Math.floor((seconds % 86400) / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    var parts = [];
    if (days) {
      parts.push(unit("day", days));
      if (hours) { parts.push(unit("hour", hours)); }
    } else if (hours) {
      parts.push(unit("hour", hours));
      if (minutes) { parts.push(unit("minute", minutes)); }
    } else {
      parts.push(unit("minute", Math.max(minutes, 1)));
    }
    return parts.join(" ");
  }

  function update() {
    var left = closesAt - Date.now();
    if (left <= 0) {
      node.textContent = config.closed;
      return;
    }
    node.textContent = config.template.replace("%(remaining)s", remaining(left));
    window.setTimeout(update, left > 3600000 ? 60000 : 15000);
  }
  update();
})();
