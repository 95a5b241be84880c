// The search page (/tim-kiem/): reads ?q=, ?chuyen-muc= and ?nam= (the page's own GET form,
// and the header's box, send exactly these), asks the Pagefind index, shows the results.
//
// The index holds every text folded (no marks, đ as d, one character for one character) and,
// beside it, the marks (plugins/search_index/records.py). The query is folded the same way,
// so "doan", "Đoàn" and "đoàn" all find Đoàn; everything shown gets its marks back first, so
// readers only ever see the original text.
//
// The index is a Pagefind bundle per shard (a group of years), newest first, merged; with
// several, the bundle of their words says which to search and how to weigh them (shardsFor).
(function () {
  "use strict";

  var form = document.querySelector("form[data-search-bundles]");
  if (!form) { return; }
  var input = form.querySelector("input[name=q]");
  var categorySelect = form.querySelector("select[name=chuyen-muc]");
  var yearSelect = form.querySelector("select[name=nam]");
  var status = document.querySelector("[data-search-status]");
  var list = document.querySelector("[data-search-results]");
  var moreButton = document.querySelector("[data-search-more]");
  var bundles = form.getAttribute("data-search-bundles").split(/\s+/).filter(Boolean);
  var wordsBundle = form.getAttribute("data-search-words") || "";
  var articles = (form.getAttribute("data-search-articles") || "").split(/\s+/).map(Number);
  var years = (form.getAttribute("data-search-years") || "").split(/\s+/);
  // A shard: its folder's name (…/2016-2019/), its years (filter `year`), its articles.
  var shards = bundles.map(function (bundle, i) {
    return { i: i, name: bundle.replace(/\/+$/, "").split("/").pop(),
             years: (years[i] || "").split(","), articles: articles[i] };
  });
  var site = form.getAttribute("data-search-site");
  var PAGE = 10;
  var MAX_QUERY = 200;
  // records.py stores the date's digits as these characters, so dates are never matched.
  var DATE_CODE = ")!@#$%^&*(";

  var pagefind = null;
  var loading = null;
  var current = { results: [], shown: 0, token: 0 };

  var categoryUrls = {};
  Array.prototype.forEach.call(categorySelect.options, function (option) {
    if (option.value) { categoryUrls[option.value] = option.getAttribute("data-url"); }
  });

  var SLOT = ".";
  var STROKE = "\u0335";

  // What Pagefind is asked: the query folded as the index is (NFD and "Unicode tổ hợp" input
  // lose the same marks), typographic quotes as plain ones (phones type “…”; Pagefind's
  // phrase search wants "…"). Pagefind itself lowercases.
  function prepare(text) {
    var query = String(text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d").replace(/Đ/g, "D").replace(/[“”„«»]/g, "\"");
    return query.replace(/\s+/g, " ").trim().slice(0, MAX_QUERY);
  }

  // records.py's restore(): a folded text and its marks give back the original. Pagefind may
  // end a text with a "." of its own (no slot). Null when they do not fit together: then
  // nothing is shown rather than a folded text.
  function restore(folded, marks) {
    var chars = Array.from(String(folded || ""));
    var slots = String(marks || "").split(SLOT).slice(1);
    if (!slots.length || chars.length < slots.length || chars.length > slots.length + 1) {
      return null;
    }
    return chars.map(function (char, i) {
      var mark = slots[i] || "";
      if (!mark) { return char; }
      if (mark.indexOf(STROKE) >= 0) {
        char = char === "d" ? "đ" : char === "D" ? "Đ" : char;
        mark = mark.replace(STROKE, "");
      }
      return (char + mark).normalize("NFC");
    }).join("");
  }

  function decodeDate(code) {
    return String(code || "").replace(/[)!@#$%^&*(]/g, function (c) {
      return String(DATE_CODE.indexOf(c));
    });
  }

  function isoDate(shown) {
    var parts = shown.split("/");
    return parts.length === 3 ? parts[2] + "-" + parts[1] + "-" + parts[0] : "";
  }

  function readParams() {
    var params = new URLSearchParams(window.location.search);
    return {
      q: (params.get("q") || "").normalize("NFC"),
      category: params.get("chuyen-muc") || "",
      year: params.get("nam") || ""
    };
  }

  function selectValue(select, value) {
    var found = Array.prototype.some.call(select.options, function (option) {
      return option.value === value;
    });
    select.value = found ? value : "";
  }

  function fillForm(params) {
    input.value = params.q;
    selectValue(categorySelect, params.category);
    selectValue(yearSelect, params.year);
  }

  function formParams() {
    return { q: input.value.normalize("NFC").trim(), category: categorySelect.value,
             year: yearSelect.value };
  }

  function pageUrl(params) {
    var query = new URLSearchParams();
    if (params.q) { query.set("q", params.q); }
    if (params.category) { query.set("chuyen-muc", params.category); }
    if (params.year) { query.set("nam", params.year); }
    var text = query.toString();
    return window.location.pathname + (text ? "?" + text : "");
  }

  function setStatus(text) {
    status.textContent = text;
  }

  // Pagefind, every shard merged in; null for a site without articles.
  function load() {
    if (!loading && !bundles.length) {
      loading = Promise.resolve(null);
    }
    if (!loading) {
      var options = { excerptLength: 30 };
      loading = import(bundles[0] + "pagefind.js").then(function (module) {
        pagefind = module;
        return pagefind.options({ bundlePath: bundles[0], excerptLength: options.excerptLength });
      }).then(function () {
        var merged = bundles.slice(1).map(function (bundle) {
          return pagefind.mergeIndex(bundle, options);
        });
        if (wordsBundle) { merged.push(pagefind.mergeIndex(wordsBundle)); }
        return Promise.all(merged);
      }).then(function () { return pagefind; });
    }
    return loading;
  }

  // The shards matching the query (one lacking a word would match a shorter one) and weights
  // making their scores comparable (IDF is per bundle): for each word, a search matching
  // nothing counts the words bundle's pages (`shard`) and the articles (`year`) having it.
  function shardsFor(engine, query, params) {
    var chosen = shards.filter(function (shard) {
      return !params.year || shard.years.indexOf(params.year) >= 0;
    });
    var words = query.split(" ").filter(function (word) { return /[\p{L}\p{N}]/u.test(word); });
    if (/^\s*".+"\s*$/.test(query)) {  // a phrase: exact words only, never stand-ins
      return Promise.resolve(chosen.map(function (shard) { return { shard: shard, weight: 1 }; }));
    }
    return Promise.all(words.map(function (word) {
      return engine.search(word, { filters: { shard: { any: shards.map(function (shard) {
        return shard.name;
      }) }, year: "-" } });
    })).then(function (answers) {
      var counts = answers.map(function (answer) {
        var totals = (answer && answer.totalFilters) || {};
        return shards.map(function (shard) {
          return ((totals.shard || {})[shard.name] || 0) > 0 ? shard.years.reduce(
            function (sum, year) { return sum + ((totals.year || {})[year] || 0); }, 0) : -1;
        });
      });
      var all = articles.reduce(function (sum, count) { return sum + count; }, 0);
      return chosen.filter(function (shard) {
        return counts.every(function (found) { return found[shard.i] >= 0; });
      }).map(function (shard) {
        var local = 0, site = 0, own = shard.articles;
        counts.forEach(function (found) {
          var having = found.reduce(function (sum, n) { return sum + Math.max(n, 0); }, 0);
          site += rarity(all, having);
          local += rarity(own, found[shard.i]);
        });
        return { shard: shard, weight: all && own && local ? site / local : 1 };
      });
    });
  }

  function rarity(pages, having) {  // Pagefind's IDF
    return Math.log((pages - having + 0.5) / (having + 0.5) + 1);
  }

  function filtersOf(params, years) {
    var filters = {};
    if (params.category) { filters.category = params.category; }
    if (params.year || years) { filters.year = params.year || { any: years }; }
    return filters;
  }

  // Each shard on its own (its years also keep the words bundle out), merged by weighed score.
  function searchIn(engine, query, params) {
    if (!engine) { return null; }
    if (!wordsBundle) { return engine.search(query, { filters: filtersOf(params) }); }
    return shardsFor(engine, query, params).then(function (weighed) {
      return Promise.all(weighed.map(function (item) {
        return engine.search(query, { filters: filtersOf(params, item.shard.years) })
          .then(function (search) {
            return ((search && search.results) || []).map(function (result) {
              return { result: result, score: result.score * item.weight };
            });
          });
      }));
    }).then(function (lists) {
      var merged = [].concat.apply([], lists).sort(function (a, b) { return b.score - a.score; });
      return { results: merged.map(function (item) { return item.result; }) };
    });
  }

  function describe(params) {
    var where = [];
    if (params.category) { where.push("trong chuyên mục " + params.category); }
    if (params.year) { where.push("năm " + params.year); }
    var quoted = /^["“].*["”]$/.test(params.q) ? params.q : "“" + params.q + "”";
    return quoted + (where.length ? " " + where.join(", ") : "");
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  var WORDS = /[\r\n\s]+/g;

  function escapeAngles(text) {
    return text.replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  // Pagefind chooses the excerpt (the words around the best matches) in the folded content
  // and marks the matching words. The same words are taken from the restored content (folding
  // keeps every space where it was) and built as text nodes and <mark> elements: nothing from
  // the index is parsed as HTML.
  function excerptWords(data, original) {
    var folded = data.content.split(WORDS);
    var words = original.split(WORDS);
    var shown = String(data.excerpt || "").split(" ");
    if (words.length !== folded.length || !shown.length) { return null; }
    var plain = shown.map(function (word) { return word.replace(/<\/?mark>/g, ""); });
    for (var start = 0; start + plain.length <= folded.length; start++) {
      var found = plain.every(function (word, i) {
        return escapeAngles(folded[start + i]) === word;
      });
      if (found) {
        return plain.map(function (word, i) {
          return { text: words[start + i], marked: shown[i].indexOf("<mark>") === 0 };
        });
      }
    }
    return null;
  }

  function appendExcerpt(parent, data) {
    var original = restore(data.content, data.meta && data.meta.marks);
    if (original === null) { return false; }
    var words = excerptWords(data, original) ||
      original.split(WORDS).slice(0, 30).map(function (text) { return { text: text }; });
    words.forEach(function (word, i) {
      if (i) { parent.appendChild(document.createTextNode(" ")); }
      parent.appendChild(word.marked ? element("mark", "", word.text)
                                     : document.createTextNode(word.text));
    });
    return true;
  }

  function renderResult(data) {
    var item = element("li", "search-result");
    var heading = element("h2", "search-result-title");
    var meta = data.meta || {};
    var title = restore(meta.title, meta.title_marks);
    var link = element("a", "", title || String(data.raw_url || data.url || ""));
    link.href = site + String(data.raw_url || data.url || "").replace(/^\//, "");
    heading.appendChild(link);
    item.appendChild(heading);

    var line = element("p", "search-result-meta");
    var shown = decodeDate(meta.date);
    if (shown) {
      var time = element("time", "", shown);
      time.setAttribute("datetime", isoDate(shown));
      line.appendChild(time);
    }
    var category = data.filters && data.filters.category && data.filters.category[0];
    if (category) {
      if (shown) { line.appendChild(document.createTextNode(" · ")); }
      var url = categoryUrls[category];
      var label = url ? element("a", "", category) : element("span", "", category);
      if (url) { label.href = url; }
      line.appendChild(label);
    }
    item.appendChild(line);

    var excerpt = element("p", "search-result-excerpt");
    if (appendExcerpt(excerpt, data)) { item.appendChild(excerpt); }
    return item;
  }

  function showMore(token, focusFirst) {
    var slice = current.results.slice(current.shown, current.shown + PAGE);
    return Promise.all(slice.map(function (result) { return result.data(); }))
      .then(function (items) {
        if (token !== current.token) { return; }
        var first = null;
        items.forEach(function (data) {
          var item = renderResult(data);
          first = first || item;
          list.appendChild(item);
        });
        current.shown += items.length;
        list.hidden = current.shown === 0;
        moreButton.parentNode.hidden = current.shown >= current.results.length;
        if (focusFirst && first) { first.querySelector("a").focus(); }
      });
  }

  function clear() {
    list.textContent = "";
    list.hidden = true;
    moreButton.parentNode.hidden = true;
    current = { results: [], shown: 0, token: current.token + 1 };
  }

  function run(params) {
    clear();
    var token = current.token;
    if (!params.q) {
      setStatus("Nhập từ khóa để tìm tin, bài.");
      return Promise.resolve();
    }
    var query = prepare(params.q);
    setStatus("Đang tìm " + describe(params) + "…");
    list.setAttribute("aria-busy", "true");
    return load().then(function (engine) {
      return searchIn(engine, query, params);
    }).then(function (search) {
      if (token !== current.token) { return; }
      current.results = (search && search.results) || [];
      var count = current.results.length;
      if (!count) {
        setStatus("Không tìm thấy kết quả nào cho " + describe(params) +
                  ". Hãy thử từ khóa khác, ít từ hơn, hoặc bỏ bớt bộ lọc.");
        return;
      }
      return showMore(token, false).then(function () {
        if (token !== current.token) { return; }
        setStatus("Tìm thấy " + count + " kết quả cho " +
                  describe(params) + ".");
      });
    }).catch(function (error) {
      if (token !== current.token) { return; }
      setStatus("Chưa tìm được: không tải được chỉ mục tìm kiếm. Vui lòng thử lại sau.");
      if (window.console) { window.console.error(error); }
    }).then(function () {
      list.removeAttribute("aria-busy");
    });
  }

  function searchFromForm(event) {
    if (event) { event.preventDefault(); }
    var params = formParams();
    window.history.pushState(params, "", pageUrl(params));
    run(params);
  }

  form.addEventListener("submit", searchFromForm);
  // A new choice of filter searches again at once (the results change, the page does not).
  [categorySelect, yearSelect].forEach(function (select) {
    select.addEventListener("change", function () {
      if (input.value.trim()) { searchFromForm(); }
    });
  });
  input.addEventListener("input", function () {
    // Fetch the index parts this query will need while the reader is still typing.
    if (pagefind && input.value.trim()) { pagefind.preload(prepare(input.value)); }
  });
  input.addEventListener("focus", function () { load().catch(function () {}); }, { once: true });
  moreButton.addEventListener("click", function () {
    showMore(current.token, true).catch(function () {
      setStatus("Không tải được thêm kết quả. Vui lòng thử lại.");
    });
  });
  window.addEventListener("popstate", function () {
    var params = readParams();
    fillForm(params);
    run(params);
  });

  var initial = readParams();
  fillForm(initial);
  run(initial);
})();
