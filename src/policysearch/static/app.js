// Keyboard helpers, completion, facet search and section jumps. Everything also works
// without this file: facets, chips, paging and the table of contents are links.
//   /      focus the search box          Esc  leave it (or close the completions)
//   j / k  next / previous result        Enter (on a result) open it
//   n      on an article: next highlighted match
//   s      on a long article: the next section with a match
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
    } else if (e.key === "s") {
      nextSection();
    }
  });

  // -- sections of a long article: jump to the next one holding a match ----------------
  const sections = Array.from(document.querySelectorAll(".body-section[id]"))
    .filter(function (s) { return Number(s.dataset.matches) > 0; });

  function nextSection() {
    if (!sections.length) return;
    const here = markAt >= 0 ? marks[markAt].closest(".body-section") : null;
    const after = here ? sections.indexOf(here) + 1
      : sections.findIndex(function (s) { return s.getBoundingClientRect().top > 80; });
    const target = sections[(after < 0 ? 0 : after) % sections.length];
    const first = target.querySelector("mark");
    if (first) {
      if (markAt >= 0) marks[markAt].classList.remove("is-current");
      markAt = marks.indexOf(first);
      first.classList.add("is-current");
    }
    target.scrollIntoView({ block: "start", behavior: "smooth" });
    document.querySelectorAll("[data-toc]").forEach(function (a) {
      a.classList.toggle("is-current", a.dataset.toc === target.id);
    });
  }

  const nextSectionLink = document.querySelector("[data-next-section]");
  if (nextSectionLink) {
    nextSectionLink.addEventListener("click", function (e) { e.preventDefault(); nextSection(); });
  }

  // -- a search box over a long facet's values ------------------------------------------
  document.querySelectorAll("[data-facet-filter]").forEach(function (box) {
    const section = box.closest(".facet");
    const items = Array.from(section.querySelectorAll(".facet-list li"));
    const toggle = section.querySelector(".facet-toggle");
    box.hidden = false;
    box.addEventListener("input", function () {
      const needle = box.value.trim().toLowerCase();
      items.forEach(function (li) {
        const text = li.textContent.toLowerCase();
        li.style.display = !needle ? "" : (text.includes(needle) ? "block" : "none");
      });
      if (toggle) toggle.hidden = !!needle;
    });
  });

  // -- completion while typing (GET /suggest, OpenSearch suggestions JSON) --------------
  document.querySelectorAll("input[data-suggest]").forEach(function (box) {
    const form = box.form;
    const list = document.createElement("ul");
    list.className = "suggest-list";
    list.setAttribute("role", "listbox");
    list.id = "suggest-" + Math.random().toString(36).slice(2);
    list.hidden = true;
    box.setAttribute("aria-controls", list.id);
    box.insertAdjacentElement("afterend", list);
    let timer = null, asked = "", chosen = -1, controller = null;

    function close() {
      list.hidden = true;
      chosen = -1;
      box.setAttribute("aria-expanded", "false");
    }

    function show(items) {
      list.textContent = "";
      items.forEach(function (text, i) {
        const li = document.createElement("li");
        li.setAttribute("role", "option");
        li.textContent = text;
        li.dataset.index = String(i);
        li.addEventListener("mousedown", function (e) {   // before the box loses focus
          e.preventDefault();
          pick(text);
        });
        list.appendChild(li);
      });
      list.hidden = !items.length;
      box.setAttribute("aria-expanded", items.length ? "true" : "false");
      chosen = -1;
    }

    function pick(text) {
      box.value = text;
      close();
      if (form) form.submit();
    }

    function mark(i) {
      const options = list.querySelectorAll("li");
      if (!options.length) return;
      chosen = (i + options.length) % options.length;
      options.forEach(function (li, n) { li.classList.toggle("is-active", n === chosen); });
      box.setAttribute("aria-activedescendant", "");
    }

    function ask() {
      const q = box.value;
      if (q === asked) return;
      asked = q;
      if (!q.trim()) { close(); return; }
      if (controller) controller.abort();
      controller = new AbortController();
      fetch(box.dataset.suggest + "?q=" + encodeURIComponent(q), { signal: controller.signal })
        .then(function (r) { return r.ok ? r.json() : [q, []]; })
        .then(function (data) { if (box.value === data[0] && document.activeElement === box) show(data[1] || []); })
        .catch(function () {});
    }

    box.addEventListener("input", function (e) {
      if (e.isComposing) return;             // wait for the input method to finish
      clearTimeout(timer);
      timer = setTimeout(ask, 90);
    });
    box.addEventListener("compositionend", function () { clearTimeout(timer); timer = setTimeout(ask, 90); });
    box.addEventListener("keydown", function (e) {
      if (list.hidden) return;
      const options = list.querySelectorAll("li");
      if (e.key === "ArrowDown") { e.preventDefault(); mark(chosen + 1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); mark(chosen - 1); }
      else if (e.key === "Enter" && chosen >= 0) { e.preventDefault(); pick(options[chosen].textContent); }
      else if (e.key === "Escape") { e.stopPropagation(); close(); }
    });
    box.addEventListener("blur", function () { setTimeout(close, 100); });
  });

  const back = document.querySelector("[data-back]");
  if (back && history.length > 1) {
    back.addEventListener("click", function (e) { e.preventDefault(); history.back(); });
  }

  const jump = document.querySelector("[data-next-mark]");
  if (jump) jump.addEventListener("click", function (e) { e.preventDefault(); nextMark(); });
})();
