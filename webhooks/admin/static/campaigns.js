// The campaign editor's live recipient count: the filter as typed, counted by the server
// (POST /admin/campaigns/count, the same use case as the "count" button). Without this script the
// button does the same by reloading the page.
(function () {
  "use strict";
  var form = document.getElementById("campaign-form");
  if (!form) return;
  var filter = form.querySelector("[data-filter]");
  var count = document.getElementById("recipient-count");
  var note = document.getElementById("count-note");
  var hint = note.textContent;
  var timer = null;
  var asked = 0;

  function ask() {
    var mine = ++asked;
    count.classList.add("busy");
    fetch(form.dataset.countUrl, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (answer) { return answer.json(); })
      .then(function (data) {
        if (mine !== asked) return;  // a later change has asked again
        count.classList.remove("busy");
        if (data.errors) {
          count.textContent = "—";
          note.textContent = Object.values(data.errors)[0] || hint;
        } else {
          count.textContent = data.text;
          count.dataset.count = data.count;
          note.textContent = hint;
        }
      })
      .catch(function () { count.classList.remove("busy"); });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(ask, 250);
  }

  filter.addEventListener("input", later);
  filter.addEventListener("change", later);
  ask();
})();
