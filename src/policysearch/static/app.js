// Keyboard helpers. Everything also works without this file: facets, chips and paging are links.
//   /      focus the search box          Esc  leave it
//   j / k  next / previous result        Enter (on a result) open it
//   n      on an article: next highlighted match
(function () {
  "use strict";
  const input = document.querySelector("[data-search-input]");
  const hits = Array.from(document.querySelectorAll(".hit"));
  const marks = Array.from(document.querySelectorAll(".article-body mark"));
  let active = -1;
  let markAt = -1;

  function typing(el) {
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.isContentEditable);
  }

  function selectHit(i) {
    if (!hits.length) return;
    active = Math.max(0, Math.min(hits.length - 1, i));
    hits.forEach((h, n) => h.classList.toggle("is-active", n === active));
    hits[active].scrollIntoView({ block: "nearest" });
    const link = hits[active].querySelector(".hit-title a");
    if (link) link.focus({ preventScroll: true });
  }

  function nextMark() {
    if (!marks.length) return;
    if (markAt >= 0) marks[markAt].classList.remove("is-current");
    markAt = (markAt + 1) % marks.length;
    marks[markAt].classList.add("is-current");
    marks[markAt].scrollIntoView({ block: "center", behavior: "smooth" });
  }

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (typing(document.activeElement)) {
      if (e.key === "Escape") document.activeElement.blur();
      return;
    }
    if (e.key === "/" && input) {
      e.preventDefault();
      input.focus();
      input.select();
    } else if (e.key === "j") {
      selectHit(active + 1);
    } else if (e.key === "k") {
      selectHit(active - 1);
    } else if (e.key === "n") {
      nextMark();
    }
  });

  const back = document.querySelector("[data-back]");
  if (back && history.length > 1) {
    back.addEventListener("click", function (e) { e.preventDefault(); history.back(); });
  }

  const jump = document.querySelector("[data-next-mark]");
  if (jump) jump.addEventListener("click", function (e) { e.preventDefault(); nextMark(); });
})();
