// Follows a running request: appends the model's tokens and the timeline's new events as they
// arrive (server-sent events), then reloads the page once the request settles. Without
// JavaScript the page refreshes itself instead (see the <noscript> refresh in the layout).
(function () {
  var live = document.getElementById("live");
  if (!live || !window.EventSource) return;
  var output = document.getElementById("live-output");
  var timeline = document.getElementById("timeline");
  var status = document.getElementById("live-status");
  var source = new EventSource(live.dataset.events + "?after=" + encodeURIComponent(live.dataset.lastEvent));
  var attempt = null;
  status.textContent = "Working… following the request live.";
  source.addEventListener("token", function (event) {
    var data = JSON.parse(event.data);
    if (attempt !== data.attempt) {
      if (attempt !== null) output.textContent += "\n\n--- attempt " + data.attempt + " ---\n";
      attempt = data.attempt;
    }
    output.textContent += data.text;
    output.scrollTop = output.scrollHeight;
  });
  source.addEventListener("status", function (event) {
    var data = JSON.parse(event.data);
    var item = document.createElement("li");
    var time = document.createElement("time");
    time.textContent = data.at;
    var badge = document.createElement("span");
    badge.className = "badge";
    badge.textContent = data.status.replace("_", " ");
    item.append(time, " ", badge, " ", data.message);
    timeline.append(item);
  });
  source.addEventListener("done", function () {
    source.close();
    window.location.reload();
  });
})();
