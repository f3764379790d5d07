// Counts the characters of fields that have a limit (data-limit) in their hint, as they are typed,
// and marks the hint once the text is too long. The server refuses longer text with a message and
// keeps it, so without JavaScript nothing is cut either; this only says it before sending.
(function () {
  var fields = document.querySelectorAll("[data-limit]");
  Array.prototype.forEach.call(fields, function (field) {
    var hint = document.getElementById(field.id + "-hint");
    if (!hint) return;
    var limit = parseInt(field.dataset.limit, 10);
    function update() {
      var count = Array.from(field.value).length;
      hint.textContent = count + " of at most " + limit.toLocaleString("en") + " characters" + (count > limit ? ": too long by " + (count - limit) + "." : ".");
      hint.classList.toggle("over-limit", count > limit);
    }
    field.addEventListener("input", update);
    update();
  });
})();
