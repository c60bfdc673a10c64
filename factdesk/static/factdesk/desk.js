/* FactDesk review screens: keyboard shortcuts, in-place decisions, and citing a selection.
 *
 * Everything here enhances pages that already work without JavaScript: forms post and the
 * server redirects back. With JavaScript, forms marked data-fetch are sent with fetch()
 * (X-Requested-With: XMLHttpRequest) and the server answers with the updated fragment, or an
 * error fragment (HTTP 409/400) shown in the flash area. Loaded as a static file: the
 * Content-Security-Policy forbids inline script.
 */
(function () {
  "use strict";

  var flash = document.getElementById("flash");

  function showFlash(html) {
    if (!flash) return;
    flash.innerHTML = html;
  }

  function fragment(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  /* ------------------------------------------------------------ in-place decisions */

  function submitByFetch(form, submitter) {
    var body = new FormData(form);
    if (submitter && submitter.name) body.append(submitter.name, submitter.value);
    form.classList.add("is-busy");
    // A second button of the same form may post elsewhere (formaction), e.g. Reject beside Confirm.
    var url = submitter && submitter.hasAttribute("formaction") ? submitter.formAction : form.action;
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-Requested-With": "XMLHttpRequest" }
    }).then(function (response) {
      return response.text().then(function (html) {
        form.classList.remove("is-busy");
        if (!response.ok) {
          showFlash(html.indexOf("msg") >= 0 ? html : '<div class="msg msg-error" role="alert">The desk refused this (' +
            response.status + "). Reload the page and try again.</div>");
          return;
        }
        var target = form.closest("[data-swap]");
        var replacement = fragment(html);
        if (target && replacement && replacement.matches("[data-swap]")) {
          var wasCurrent = target.classList.contains("is-current");
          var wasOpen = !!target.querySelector("[data-key]");
          target.replaceWith(replacement);
          var decided = wasOpen && !replacement.querySelector("[data-key]");
          if (decided) countDown();
          if (wasCurrent) {
            replacement.classList.add("is-current");
            // A decided row is done with: the cursor moves on to the next one.
            if (decided) move(1);
          }
        } else {
          showFlash(html);
        }
      });
    }).catch(function () {
      form.classList.remove("is-busy");
      showFlash('<div class="msg msg-error" role="alert">The desk could not be reached. Check the connection and try again.</div>');
    });
  }

  // The queue's "N pending" counter, kept true as rows are decided in place.
  function countDown() {
    var counter = document.querySelector("[data-queue-count]");
    if (!counter) return;
    var left = Math.max(0, parseInt(counter.getAttribute("data-queue-count"), 10) - 1);
    counter.setAttribute("data-queue-count", String(left));
    counter.textContent = String(left);
  }

  // Screens that watch work in progress (Operations) reload themselves, unless the reader is
  // typing or has text selected.
  var refreshing = document.querySelector("[data-refresh]");
  if (refreshing) {
    var seconds = parseInt(refreshing.getAttribute("data-refresh"), 10);
    if (seconds > 0) {
      window.setInterval(function () {
        var active = document.activeElement;
        var busy = active && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName);
        if (!busy && String(window.getSelection()).length === 0) window.location.reload();
      }, seconds * 1000);
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-fetch]")) return;
    event.preventDefault();
    submitByFetch(form, event.submitter);
  });

  /* ------------------------------------------------------------ ticking rows */

  document.addEventListener("change", function (event) {
    if (!event.target.matches("[data-tick-all]")) return;
    var table = event.target.closest("table");
    table.querySelectorAll('input[name="ids"]').forEach(function (box) { box.checked = event.target.checked; });
  });

  /* ------------------------------------------------------------ keyboard */

  function rows() {
    var list = document.querySelector("[data-keyboard-list]");
    return list ? Array.prototype.slice.call(list.querySelectorAll("[data-row]")) : [];
  }

  function currentRow() {
    return document.querySelector("[data-keyboard-list] [data-row].is-current");
  }

  function setCurrent(row) {
    rows().forEach(function (r) { r.classList.remove("is-current"); });
    if (!row) return;
    row.classList.add("is-current");
    row.scrollIntoView({ block: "nearest" });
    var id = row.getAttribute("data-cand-item");
    if (id) selectCandidate(id, false);
  }

  function move(step) {
    var all = rows();
    if (!all.length) return;
    var index = all.indexOf(currentRow());
    var next = index < 0 ? (step > 0 ? 0 : all.length - 1) : Math.min(all.length - 1, Math.max(0, index + step));
    setCurrent(all[next]);
  }

  function pressInCurrent(key) {
    var row = currentRow();
    var scope = row;
    // On the article page the decision buttons live in the open candidate panel.
    var panel = document.querySelector("[data-cand-panel]:not([hidden])");
    if (panel && row && row.hasAttribute("data-cand-item")) scope = panel;
    if (!scope) return false;
    var button = scope.querySelector('[data-key="' + key + '"]');
    if (button) { button.click(); return true; }
    return false;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var t = event.target;
    var typing = t.tagName === "TEXTAREA" || t.tagName === "SELECT" ||
      (t.tagName === "INPUT" && !/^(checkbox|radio|submit|button|reset)$/.test(t.type));
    if (t.isContentEditable || typing) {
      if (event.key === "Escape") t.blur();
      return;
    }
    var handled = true;
    switch (event.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "c": handled = pressInCurrent("c"); break;
      case "a": handled = pressInCurrent("a"); break;
      case "r": handled = pressInCurrent("r"); break;
      case "x": {
        var row = currentRow();
        var box = row && row.querySelector('input[name="ids"]');
        if (box) box.checked = !box.checked; else handled = false;
        break;
      }
      case "o":
      case "Enter": {
        var link = currentRow() && currentRow().querySelector("[data-open]");
        if (link) link.click(); else handled = false;
        break;
      }
      case "/": {
        var search = document.querySelector("[data-hotkey='/']");
        if (search) search.focus(); else handled = false;
        break;
      }
      default: handled = false;
    }
    if (handled) event.preventDefault();
  });

  /* ------------------------------------------------------------ article: selecting a candidate */

  var articleText = document.getElementById("article-text");

  function selectCandidate(id, scroll) {
    var panel = document.querySelector('[data-cand-panel="' + id + '"]');
    if (!panel) return;
    document.querySelectorAll("[data-cand-panel]").forEach(function (p) { p.hidden = p !== panel; });
    document.querySelectorAll("mark.is-selected").forEach(function (m) { m.classList.remove("is-selected"); });
    document.querySelectorAll("[data-cands]").forEach(function (m) {
      if ((" " + m.getAttribute("data-cands") + " ").indexOf(" " + id + " ") >= 0) m.classList.add("is-selected");
    });
    document.querySelectorAll("[data-cand-item]").forEach(function (li) {
      li.classList.toggle("is-current", li.getAttribute("data-cand-item") === String(id));
    });
    var first = document.querySelector("mark.is-selected");
    if (scroll !== false && first) first.scrollIntoView({ block: "center" });
    else if (first) first.scrollIntoView({ block: "nearest" });
    if (window.history && window.history.replaceState) {
      var url = new URL(window.location.href);
      url.searchParams.set("c", id);
      url.hash = "";
      window.history.replaceState(null, "", url.toString());
    }
  }

  if (articleText) {
    articleText.addEventListener("click", function (event) {
      var mark = event.target.closest("mark[data-cand]");
      if (!mark) return;
      var selection = window.getSelection();
      if (selection && !selection.isCollapsed) return; // the editor is selecting text to cite
      selectCandidate(mark.getAttribute("data-cand"), false);
    });
    document.querySelectorAll("[data-select-cand]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        selectCandidate(link.getAttribute("data-select-cand"), true);
      });
    });
    var initial = new URL(window.location.href).searchParams.get("c");
    if (initial) selectCandidate(initial, true);
  }

  /* ------------------------------------------------------------ article: citing a selection */

  // Offsets on the server count Unicode code points; JavaScript strings count UTF-16 units.
  function codePoints(text) { return Array.from(text).length; }

  function boundaryOffset(node, offset) {
    if (node.nodeType === Node.TEXT_NODE) {
      var segment = node.parentElement.closest("[data-start]");
      if (!segment || !articleText.contains(segment)) return null;
      return Number(segment.getAttribute("data-start")) + codePoints(node.data.slice(0, offset));
    }
    if (node === articleText) {
      var child = articleText.childNodes[offset];
      return child ? Number(child.getAttribute("data-start")) : Number(articleText.getAttribute("data-length"));
    }
    var seg = node.closest && node.closest("[data-start]");
    if (!seg || !articleText.contains(seg)) return null;
    return Number(seg.getAttribute("data-start")) + (offset > 0 ? codePoints(seg.textContent) : 0);
  }

  var lastSelection = null;

  function readSelection() {
    var selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
    var range = selection.getRangeAt(0);
    if (!articleText.contains(range.commonAncestorContainer)) return null;
    var start = boundaryOffset(range.startContainer, range.startOffset);
    var end = boundaryOffset(range.endContainer, range.endOffset);
    if (start === null || end === null || end <= start) return null;
    var text = range.toString();
    // Whitespace is in the Basic Multilingual Plane, so trimming counts the same in both units.
    var lead = text.length - text.replace(/^\s+/, "").length;
    var trail = text.length - text.replace(/\s+$/, "").length;
    if (lead + trail >= text.length) return null;
    return { start: start + lead, end: end - trail, text: text.trim() };
  }

  function showSelection(sel) {
    lastSelection = sel;
    var start = document.querySelector("[data-sel-start]");
    var end = document.querySelector("[data-sel-end]");
    var preview = document.querySelector("[data-selection-preview]");
    if (start) start.value = sel.start;
    if (end) end.value = sel.end;
    if (preview) preview.textContent = sel.text.length > 280 ? sel.text.slice(0, 280) + "…" : sel.text;
  }

  if (articleText) {
    document.addEventListener("selectionchange", function () {
      var sel = readSelection();
      if (sel) showSelection(sel);
    });
    document.addEventListener("click", function (event) {
      var button = event.target.closest("[data-use-selection]");
      if (!button) return;
      var form = button.closest("form");
      if (!lastSelection) {
        showFlash('<div class="msg msg-warning" role="status">Select the new span in the article text first.</div>');
        return;
      }
      form.querySelector('[name="start"]').value = lastSelection.start;
      form.querySelector('[name="end"]').value = lastSelection.end;
    });
  }

  /* ------------------------------------------------------------ claim picker */

  var claimSearch = document.querySelector("[data-claim-search]");
  if (claimSearch) {
    var results = document.querySelector("[data-claim-results]");
    var timer = null;
    claimSearch.addEventListener("input", function () {
      window.clearTimeout(timer);
      var query = claimSearch.value.trim();
      if (query.length < 2 && !/^\d+$/.test(query)) { results.innerHTML = ""; return; }
      timer = window.setTimeout(function () {
        var url = claimSearch.getAttribute("data-claim-search") + "?only=claims&q=" + encodeURIComponent(query);
        fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "XMLHttpRequest" } })
          .then(function (response) { return response.ok ? response.text() : ""; })
          .then(function (html) { results.innerHTML = html; });
      }, 200);
    });
    claimSearch.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { // do not submit the cite form from the search box
        event.preventDefault();
        var first = results.querySelector("[data-pick-claim]");
        if (first) first.focus();
      }
    });
    results.addEventListener("click", function (event) {
      var pick = event.target.closest("[data-pick-claim]");
      if (!pick) return;
      document.querySelector("[data-claim-id]").value = pick.getAttribute("data-pick-claim");
      results.querySelectorAll("[data-pick-claim]").forEach(function (b) { b.classList.toggle("is-picked", b === pick); });
    });
  }
})();
