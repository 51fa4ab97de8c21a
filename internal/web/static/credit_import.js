// Polls an import job (GET /api/v1/credit/imports/{job}) and moves the
// progress bar; when the job is over, reloads the page to show the report.
(function () {
  var box = document.getElementById("import-progress");
  if (!box) return;
  var bar = box.querySelector("progress"), text = box.querySelector("[data-text]");
  function tick() {
    fetch(box.getAttribute("data-poll"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (j) {
        if (j.state !== "running") { location.reload(); return; }
        if (j.total > 0) {
          bar.max = j.total;
          bar.value = j.done;
          text.textContent = j.done >= j.total ? "已检查全部 " + j.total + " 行，正在写入名单…"
            : "已检查 " + j.done + " / " + j.total + " 行（" + j.percent + "%）";
        }
        setTimeout(tick, 500);
      })
      .catch(function () { setTimeout(tick, 2000); });
  }
  setTimeout(tick, 300);
})();
