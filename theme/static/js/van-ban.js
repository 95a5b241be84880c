// The register of documents: narrow the table to a kind and to rows holding the typed text
// (marks and đ aside, as the site's search). Without this script the whole table shows.
(function () {
  var form = document.querySelector("[data-document-filter]");
  if (!form) { return; }
  var rows = Array.prototype.slice.call(document.querySelectorAll("table.documents tbody tr"));
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d")
      .toLowerCase();
  }
  var texts = rows.map(function (row) { return fold(row.textContent); });
  function apply() {
    var kind = form.elements.loai.value;
    var words = fold(form.elements.q.value).split(/\s+/).filter(Boolean);
    rows.forEach(function (row, index) {
      var shown = (!kind || row.getAttribute("data-kind") === kind) &&
        words.every(function (word) { return texts[index].indexOf(word) >= 0; });
      row.hidden = !shown;
    });
  }
  form.hidden = false;
  form.addEventListener("input", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  var asked = new URLSearchParams(location.search).get("loai");
  if (asked) { form.elements.loai.value = asked; apply(); }
})();
