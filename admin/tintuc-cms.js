/* Tin tức's part of the web editor at /quan-tri/ (issue 16; docs/quan-tri-web.md).
 *
 * Decap CMS draws the editor; this file teaches it the site's file format, byte for byte what
 * `invoke new` writes (tintuc/new_article.py), read as the reader reads it
 * (tintuc/frontmatter.py); a Vietnam-time date widget; the captioned photo block; the preview.
 * The build puts `window.TINTUC_CMS` (tintuc/cms.py: browser_settings) in front of it.
 *
 * Editing a file keeps what was not edited: the header lines are kept as they were read, and
 * only the line of a value that changed is written again (a key the editor does not know,
 * continuation lines, the `---` fence, CRLF and a byte-order mark all survive).
 */
(function () {
  "use strict";

  var T = window.TINTUC_CMS;
  // Registrations must be made before Decap CMS starts; it starts when we call init().
  window.CMS_MANUAL_INIT = true;

  // --- Text, as tintuc/text.py --------------------------------------------------------------

  var EXTRA_FOLDS = {"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"};
  var MARK = /\p{M}/u;
  var MARKS = /\p{M}/gu;

  function nfc(text) { return String(text).normalize("NFC"); }
  function spaces(text) { return text.split(/\s+/).filter(Boolean).join(" "); }
  function stripMarks(text) {
    return text.replace(/[đĐðÐ]/g, function (c) { return EXTRA_FOLDS[c]; })
      .normalize("NFD").replace(MARKS, "");
  }
  function fold(text) { return spaces(stripMarks(text).toLowerCase()); }

  function slugify(text, maxLength) {
    if (maxLength === undefined) { maxLength = 80; }
    var slug = stripMarks(nfc(text)).toLowerCase().replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "");
    if (maxLength !== null && slug.length > maxLength) {
      var cut = slug.slice(0, maxLength);
      var at = cut.lastIndexOf("-");
      slug = (at > 0 ? cut.slice(0, at) : "") || cut;
    }
    return slug;
  }

  function marksOf(ch) {
    if (ch === "đ" || ch === "Đ") { return {base: "d", marks: ["stroke"]}; }
    var decomposed = ch.toLowerCase().normalize("NFD");
    var base = "", marks = [];
    for (var c of decomposed) { if (MARK.test(c)) { marks.push(c); } else { base += c; } }
    return {base: base, marks: marks};
  }

  function matchesWithMarksOmitted(typed, reference) {
    var a = Array.from(spaces(nfc(typed).toLowerCase()));
    var b = Array.from(spaces(nfc(reference).toLowerCase()));
    if (a.length !== b.length) { return false; }
    for (var i = 0; i < a.length; i++) {
      if (a[i] === b[i]) { continue; }
      var x = marksOf(a[i]), y = marksOf(b[i]);
      if (x.base !== y.base) { return false; }
      if (!x.marks.every(function (m) { return y.marks.indexOf(m) >= 0; })) { return false; }
    }
    return true;
  }

  // --- Keys, as tintuc/frontmatter.py ------------------------------------------------------

  var KEYS = {};
  var SPELLINGS = {};  // folded form → [[form, key]]
  function keyForm(text) { return spaces(nfc(text).replace(/[_-]/g, " ").toLowerCase()); }
  T.keys.forEach(function (key) {
    KEYS[key.name] = key;
    key.spellings.forEach(function (spelling) {
      var folded = fold(keyForm(spelling));
      (SPELLINGS[folded] = SPELLINGS[folded] || []).push([keyForm(spelling), key]);
    });
  });

  function findKey(typed) {
    var form = keyForm(typed);
    var candidates = SPELLINGS[fold(form)] || [];
    for (var i = 0; i < candidates.length; i++) {
      if (matchesWithMarksOmitted(form, candidates[i][0])) { return candidates[i][1]; }
    }
    return null;
  }

  // `[\s\S]`, not `.`: Python's `.` takes U+2028 and U+2029, JavaScript's does not.
  var KEY_LINE = /^([\p{L}_][\p{L}\p{N}_ .-]{0,39}?)\s*:\s?([\s\S]*)$/u;
  var FENCE = "---";

  // The names the editor edits (fields of the collections), and which of them is a date.
  var EDITED = {};
  T.config.collections.forEach(function (collection) {
    collection.fields.forEach(function (field) {
      if (field.name !== "body") { EDITED[field.name] = field.widget; }
    });
  });

  // --- Values: the file's text ↔ what the editor's widgets hold -----------------------------

  var DAY_FIRST = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?:[ T]+(\d{1,2})[:hg](\d{2})(?::(\d{2}))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;
  var ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]+(\d{1,2})[:hg](\d{2})(?::(\d{2}))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;
  var WEEKDAY_PREFIX = /^([\p{L}_][^,–-]*?)\s*[-,–]\s*(\d.*)$/u;
  var VIETNAM_OFFSET = 7 * 60;
  var WEEKDAYS = ["Chủ nhật", "Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy"];

  function two(n) { return (n < 10 ? "0" : "") + n; }

  // The date widget holds Vietnam's wall clock without an offset ("2026-03-26T08:30:00"):
  // the CMS reads such a text as the computer's own time and writes it back unchanged, so
  // `{{fields.date | date('YYYY-MM-DD')}}` (file names, photo folders) gives Vietnam's day
  // whatever the computer's time zone, and the texts sort by date.
  function wallClock(ms) {
    var d = new Date(ms);
    return d.getUTCFullYear() + "-" + two(d.getUTCMonth() + 1) + "-" + two(d.getUTCDate()) +
      "T" + two(d.getUTCHours()) + ":" + two(d.getUTCMinutes()) + ":" +
      two(d.getUTCSeconds());
  }

  function vietnamNow() {
    var now = Date.now() + VIETNAM_OFFSET * 60000;
    return wallClock(now - now % 60000);
  }

  function readDate(text) {
    var value = spaces(text);
    var prefixed = WEEKDAY_PREFIX.exec(value);
    if (prefixed) { value = prefixed[2]; }
    var m = ISO.exec(value), parts;
    if (m) {
      parts = [m[1], m[2], m[3], m[4], m[5], m[6], m[7]];
    } else if ((m = DAY_FIRST.exec(value))) {
      parts = [m[4], m[3], m[1], m[5], m[6], m[7], m[8]];
    } else {
      return null;
    }
    var ms = Date.UTC(+parts[0], +parts[1] - 1, +parts[2], +(parts[3] || 0), +(parts[4] || 0),
      +(parts[5] || 0));
    var check = new Date(ms);
    if (check.getUTCDate() !== +parts[2] || check.getUTCMonth() !== +parts[1] - 1) {
      return null;  // 31/02: the reader refuses it, so the editor must choose again
    }
    var offset = parts[6];
    if (offset) {
      var minutes = 0;
      if (offset !== "Z") {
        var digits = offset.replace(":", "");
        minutes = (digits[0] === "-" ? -1 : 1) * (+digits.slice(1, 3) * 60 + +digits.slice(3, 5));
      }
      ms += (VIETNAM_OFFSET - minutes) * 60000;
    }
    return wallClock(ms);
  }

  function writeDate(value) {
    var m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(value || "");
    if (!m) { return String(value || ""); }
    var seconds = m[6] && m[6] !== "00" ? ":" + m[6] : "";
    return m[3] + "/" + m[2] + "/" + m[1] + " " + m[4] + ":" + m[5] + seconds;
  }

  function lookup(table, value) {
    for (var word in table) {
      if (matchesWithMarksOmitted(value, word)) { return table[word]; }
    }
    return null;
  }

  var YES_NO = {"có": true, "yes": true, "true": true, "không": false, "no": false,
    "false": false};

  // What a widget holds for the text of a key; null: the text is kept as it is.
  function fromText(key, text) {
    if (EDITED[key.name] === T.date_widget) { return text ? readDate(text) || text : ""; }
    if (key.kind === "status") {
      var meaning = text ? lookup(T.statuses, text) : null;
      return meaning ? T.status_words[meaning] : text;
    }
    if (key.kind === "yes_no") {
      var yes = text ? lookup(YES_NO, text) : null;
      return yes === null ? text : yes;
    }
    if (key.kind === "featured") {
      // A place in "Tin nổi bật" stays the number written; yes and no become the form's words.
      if (/^\d+$/.test(text)) { return text; }
      var featured = text ? lookup(YES_NO, text) : null;
      return featured === null ? text : (featured ? "có" : "không");
    }
    if (key.kind === "image") { return showable(text); }
    return text;
  }

  // The text of a widget's value; the same for two values that mean the same.
  function toText(key, value) {
    if (value === undefined || value === null) { return ""; }
    if (EDITED[key.name] === T.date_widget) { return writeDate(value); }
    if (typeof value === "boolean") { return value ? "có" : "không"; }
    if (Array.isArray(value)) { value = value.join(", "); }
    // One line: the reader would join the lines of a value with spaces anyway.
    return spaces(nfc(String(writable(value))));
  }

  // --- Photos already on the site --------------------------------------------------------------

  // The CMS finds a photo only in the folder it uploads to (this article's month): a photo of
  // another month would show as broken. While a file is open, `{static}/` is therefore the
  // site's own address (where the photo is published, or previewed by `invoke admin`), and
  // becomes `{static}/` again when the file is written.
  var siteRoot = /^https?:$/.test(location.protocol) ? new URL("../", location.href).href : null;
  var STATIC = "{static}/";

  function showable(text) {
    return siteRoot && text ? String(text).split(STATIC).join(siteRoot) : text;
  }

  function writable(text) {
    return siteRoot && typeof text === "string" ? text.split(siteRoot).join(STATIC) : text;
  }

  // --- The format ---------------------------------------------------------------------------

  var META = "__tintuc";

  // A file as lines without their ends, and each line's own end ("\r\n", "\n", "\r", or ""
  // for the last): a line that is written again keeps its end, so a file with CRLF or mixed
  // line ends changes only where it was edited. Rows are indexes into `lines`.
  function parseFile(content) {
    var text = String(content);
    var bom = text.charAt(0) === "\uFEFF";
    if (bom) { text = text.slice(1); }
    var lines = [], ends = [], pattern = /([^\r\n]*)(\r\n|\r|\n|$)/g, m;
    while ((m = pattern.exec(text))) {
      lines.push(m[1]);
      ends.push(m[2]);
      if (!m[2]) { break; }
    }
    var counts = {"\r\n": 0, "\n": 0, "\r": 0};
    ends.forEach(function (end) { if (end) { counts[end] += 1; } });
    var eol = Object.keys(counts).reduce(function (a, b) { return counts[b] > counts[a] ? b : a; },
      "\n");
    var rows = lines.map(function (_, index) { return index; });
    var file = {text: String(content), bom: bom, eol: eol, lines: lines, ends: ends,
      before: [], header: [], separator: [], body: rows};
    if (lines.length && lines[0].trim() === FENCE) {
      var close = -1;
      for (var i = 1; i < lines.length; i++) {
        if (lines[i].trim() === FENCE) { close = i; break; }
      }
      if (close < 0) { return file; }  // an unclosed fence: `invoke check` says so
      file.before = [0];
      file.header = rows.slice(1, close);
      file.separator = [close];
      file.body = rows.slice(close + 1);
    } else if (lines.length && KEY_LINE.test(lines[0])) {
      var end = lines.findIndex(function (line) { return !line.trim(); });
      if (end < 0) { end = lines.length; }
      file.header = rows.slice(0, end);
      file.separator = rows.slice(end, end + 1);
      file.body = rows.slice(end + 1);
    }
    return file;
  }

  // The header as entries: a key line with its continuation lines, or a line kept as it is.
  function headerEntries(file) {
    var entries = [], lastKey = null;
    file.header.forEach(function (row) {
      var line = file.lines[row];
      if (!line.trim()) { entries.push({rows: [row]}); return; }
      if (/^\s/.test(line) && lastKey) {
        lastKey.rows.push(row);
        lastKey.value = (lastKey.value + " " + line.trim()).trim();
        return;
      }
      var m = KEY_LINE.exec(line);
      if (!m) { entries.push({rows: [row]}); return; }
      var key = findKey(m[1].trim());
      lastKey = {rows: [row], typed: m[1].trim(), value: m[2].trim(),
        name: key ? key.name : null};
      entries.push(lastKey);
    });
    return entries;
  }

  function fromFile(content) {
    var file = parseFile(content);
    var entries = headerEntries(file);
    var data = {}, read = {};
    entries.forEach(function (entry, index) {
      if (!entry.name || !(entry.name in EDITED)) { return; }
      data[entry.name] = fromText(KEYS[entry.name], entry.value);
      read[entry.name] = index;  // a key given twice: the later line wins, as in the reader
    });
    data.body = showable(file.body.map(function (row) { return file.lines[row]; }).join("\n"));
    data[META] = JSON.stringify({file: file, entries: entries, read: read, values: data});
    return data;
  }

  function isEmptyAllowed(name) {
    // Keys whose empty value means "nothing" keep an empty line, as `invoke new` writes them;
    // the others (dates, statuses, yes/no, `Tóm tắt`) lose the line instead.
    var kind = KEYS[name].kind;
    return T.template_keys.indexOf(name) >= 0 && ["date", "status", "yes_no", "slug"]
      .indexOf(kind) < 0;
  }

  function line(label, text) { return (label + ": " + text).replace(/\s+$/, ""); }

  function bodyLines(body) {
    var text = nfc(String(writable(body || ""))).replace(/\r\n?/g, "\n").replace(/\s+$/, "");
    return text ? (text + "\n").split("\n") : [];
  }

  // A new article is the file `invoke new` writes, with every key of its template; a new
  // page has only the keys given (a page needs only `Tiêu đề`).
  function newFile(data, page) {
    var lines = [];
    T.order.forEach(function (name) {
      if (!(name in EDITED) && T.template_keys.indexOf(name) < 0) { return; }
      var text = toText(KEYS[name], data[name]);
      if ((!page && T.template_keys.indexOf(name) >= 0) || text) {
        lines.push(line(KEYS[name].label, text));
      }
    });
    // `invoke new`: the header, a blank line, and the body to write (here, written).
    return lines.join("\n") + "\n\n" + bodyLines(data.body).join("\n");
  }

  function toFile(data, page) {
    if (!data[META]) { return newFile(data, page); }
    var meta = JSON.parse(data[META]);
    var file = meta.file, entries = meta.entries, old = meta.values;
    var changed = {};
    Object.keys(EDITED).forEach(function (name) {
      var key = KEYS[name];
      if (!(name in data) && !(name in old)) { return; }
      if (toText(key, data[name]) !== toText(key, old[name])) {
        changed[name] = toText(key, data[name]);
      }
    });
    var bodyChanged = nfc(String(data.body || "")) !== nfc(old.body || "");
    if (!Object.keys(changed).length && !bodyChanged) { return file.text; }
    var rank = function (name) {
      var at = T.order.indexOf(name);
      return at < 0 ? T.order.length : at;
    };
    // Output rows: [text, end or null (the file's usual end), key name].
    var kept = function (row) { return [file.lines[row], file.ends[row], null]; };
    var out = [];  // [rows, name]
    entries.forEach(function (entry, index) {
      var name = entry.name;
      if (name && name in changed && meta.read[name] === index) {
        var text = changed[name];
        var last = entry.rows[entry.rows.length - 1];
        if (text || isEmptyAllowed(name)) {
          out.push([[[line(entry.typed, text), file.ends[last], name]], name]);
        }
        delete changed[name];
        return;
      }
      out.push([entry.rows.map(kept), name]);
    });
    // Keys the file did not have: each after the last line of a key that comes before it in
    // `invoke new`'s order, else first.
    T.order.concat(Object.keys(changed)).forEach(function (name) {
      if (!(name in changed)) { return; }
      var text = changed[name];
      delete changed[name];
      if (!text) { return; }
      var at = 0;
      out.forEach(function (item, index) {
        if (item[1] && rank(item[1]) < rank(name)) { at = index + 1; }
      });
      out.splice(at, 0, [[[line(KEYS[name].label, text), null, name]], name]);
    });
    var rows = file.before.map(kept);
    out.forEach(function (item) { rows.push.apply(rows, item[0]); });
    var separator = file.separator.map(kept);
    var body = file.body.map(kept);
    if (bodyChanged) {
      body = bodyLines(data.body).map(function (text) { return [text, null, null]; });
      if (body.length) { body[body.length - 1][1] = ""; }
    }
    if (!separator.length && body.length && rows.length) { separator = [["", null, null]]; }
    rows = rows.concat(separator, body);
    var text = file.bom ? "\uFEFF" : "";
    rows.forEach(function (row, index) {
      var end = row[1];
      if (end === null || (end === "" && index < rows.length - 1)) {
        end = index < rows.length - 1 ? file.eol : "";
      }
      text += row[0] + end;
    });
    return text;
  }

  var ARTICLES = {fromFile: fromFile, toFile: function (data) { return toFile(data, false); }};
  var PAGES = {fromFile: fromFile, toFile: function (data) { return toFile(data, true); }};

  // --- Widgets --------------------------------------------------------------------------------

  function h() { return window.h.apply(null, arguments); }

  function dateline(value) {
    var m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value || "");
    if (!m) { return String(value || ""); }
    var weekday = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])).getUTCDay();
    return WEEKDAYS[weekday] + " - " + m[3] + "/" + m[2] + "/" + m[1] + " " + m[4] + ":" + m[5];
  }

  function dateControl() {
    return window.createClass({
      componentDidMount: function () {
        if (this.props.value === "{{now}}") { this.props.onChange(vietnamNow()); }
      },
      change: function (event) {
        var value = event.target.value;
        this.props.onChange(value ? value.slice(0, 16) + ":00" : "");
      },
      now: function () { this.props.onChange(vietnamNow()); },
      clear: function () { this.props.onChange(""); },
      render: function () {
        var value = this.props.value || "";
        var m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})/.exec(value);
        var required = this.props.field.get("required") !== false;
        var id = this.props.forID;
        return h("div", {className: this.props.classNameWrapper + " tintuc-date"},
          h("input", {type: "datetime-local", id: id, value: m ? m[1] : "", step: 60,
            onChange: this.change, onFocus: this.props.setActiveStyle,
            onBlur: this.props.setInactiveStyle, "aria-describedby": id + "-gio"}),
          h("span", {id: id + "-gio", className: "tintuc-vn-time"},
            m ? " " + dateline(value) + " (giờ Việt Nam)" :
              (value && value !== "{{now}}" ? " Trong tệp: “" + value + "”: hãy chọn lại." : "")),
          h("div", {className: "tintuc-date-buttons"},
            h("button", {type: "button", onClick: this.now}, "Bây giờ"),
            required ? null : h("button", {type: "button", onClick: this.clear}, "Xóa")));
      },
    });
  }

  function datePreview() {
    return window.createClass({
      render: function () { return h("span", null, dateline(this.props.value)); },
    });
  }

  // `![mô tả](ảnh "chú thích")`: the reader makes it a <figure> with that <figcaption>.
  var PHOTO = /^!\[([^\]\n]*)\]\(([^\s)]+)(?:\s+"((?:[^"\\\n]|\\.)*)")?\)$/;

  function photoBlock() {
    return {
      id: "image",
      label: "Ảnh có chú thích",
      fields: [
        {name: "image", label: "Ảnh", widget: "image", choose_url: false,
          hint: "Tải ảnh lên (JPEG hoặc PNG, nên dưới 1 MB); tên tệp được đổi sang chữ không dấu."},
        {name: "alt", label: "Mô tả ảnh", widget: "string",
          hint: "Ảnh có gì, cho người khiếm thị và máy tìm kiếm. Luôn ghi."},
        {name: "title", label: "Chú thích", widget: "string", required: false,
          hint: "Hiện dưới ảnh. Để trống thì mô tả được dùng làm chú thích."},
      ],
      pattern: PHOTO,
      fromBlock: function (match) {
        return {image: match[2], alt: match[1],
          title: (match[3] || "").replace(/\\(.)/g, "$1")};
      },
      toBlock: function (data) {
        var alt = spaces(nfc(data.alt || "")).replace(/[[\]]/g, "");
        var title = spaces(nfc(data.title || "")).replace(/(["\\])/g, "\\$1");
        return "![" + alt + "](" + (data.image || "") + (title ? " \"" + title + "\"" : "") + ")";
      },
      toPreview: function (data, getAsset, fields) {
        var field = fields && fields.find(function (f) { return f.get("widget") === "image"; });
        var src = data.image ? String(getAsset(data.image, field)) : "";
        return h("figure", null, h("img", {src: src, alt: data.alt || ""}),
          (data.title || data.alt) ? h("figcaption", null, data.title || data.alt) : null);
      },
    };
  }

  // --- Preview: the article page's own markup and stylesheet ----------------------------------

  function articlePreview() {
    return window.createClass({
      render: function () {
        var entry = this.props.entry;
        var get = function (name) { return entry.getIn(["data", name]); };
        var image = get("image");
        var asset = image ? String(this.props.getAsset(image)) : "";
        var status = get("status");
        return h("div", {className: "wrap"}, h("main", {id: "noi-dung"},
          get("category") ? h("nav", {className: "breadcrumb", "aria-label": "Vị trí"},
            h("span", null, get("category"))) : null,
          h("article", {className: "news"},
            h("header", {className: "news-header"},
              status === "nháp" ? h("p", {className: "draft-note"},
                "Bản nháp: bài này chưa được công bố.") : null,
              h("h1", null, get("title") || ""),
              get("date") ? h("p", {className: "dateline"}, dateline(get("date"))) : null),
            get("summary") ? h("p", {className: "sapo"}, get("summary")) : null,
            image ? h("figure", {className: "lead-photo"},
              h("img", {src: asset, alt: get("image_caption") || get("title") || ""}),
              get("image_caption") ? h("figcaption", null, get("image_caption")) : null) : null,
            h("div", {className: "news-body"}, this.props.widgetFor("body")),
            (get("authors") || get("source")) ? h("div", {className: "byline"},
              get("authors") ? h("p", null, "Tác giả: " + get("authors")) : null,
              get("source") ? h("p", null, "Nguồn tin: " + get("source")) : null) : null,
            get("tags") ? h("p", {className: "tags"},
              h("span", {className: "tags-label"}, "Thẻ:"), " " + get("tags")) : null)));
      },
    });
  }

  // --- Before the first save: `Đường dẫn` pinned from the title, as `invoke new` does --------

  function preSave(event) {
    var data = event.entry.get("data");
    if (event.entry.get("newRecord") && !spaces(String(data.get("slug") || ""))) {
      return data.set("slug", slugify(String(data.get("title") || "")));
    }
    return data;
  }

  // --- Names Decap CMS's own markup lacks, for screen readers (axe: tests/test_cms_browser.py) -

  function nameWhatDecapLeavesUnnamed() {
    document.querySelectorAll("#preview-pane:not([title])").forEach(function (frame) {
      frame.setAttribute("title", "Xem trước bài");
    });
    document.querySelectorAll("[data-slate-editor]:not([aria-label])").forEach(function (box) {
      box.setAttribute("aria-label", "Nội dung bài");
    });
    // The rich text / Markdown switch: on when the body is edited as Markdown.
    var markdown = document.querySelector("[data-slate-editor]") ? "false" : "true";
    document.querySelectorAll("button[role=switch]:not([aria-checked])," +
      "button[data-tintuc-switch]").forEach(function (toggle) {
      toggle.setAttribute("data-tintuc-switch", "");
      toggle.setAttribute("aria-label", "Soạn bằng Markdown");
      if (toggle.getAttribute("aria-checked") !== markdown) {
        toggle.setAttribute("aria-checked", markdown);
      }
    });
  }

  function watchForUnnamed() {
    var waiting = false;
    new MutationObserver(function () {
      if (waiting) { return; }
      waiting = true;
      window.requestAnimationFrame(function () { waiting = false; nameWhatDecapLeavesUnnamed(); });
    }).observe(document.body, {childList: true, subtree: true});
  }

  // --- Start ----------------------------------------------------------------------------------

  function start() {
    var CMS = window.CMS;
    CMS.registerCustomFormat("tintuc", "md", ARTICLES);
    CMS.registerCustomFormat("tintuc-trang", "md", PAGES);
    CMS.registerWidget(T.date_widget, dateControl(), datePreview());
    CMS.registerEditorComponent(photoBlock());
    CMS.registerEventListener({name: "preSave", handler: preSave});
    if (T.stylesheet) { CMS.registerPreviewStyle(T.stylesheet); }
    var colors = T.colors || {};
    CMS.registerPreviewStyle(":root{--primary:" + (colors.primary || "#0b4f9c") + ";--accent:" +
      (colors.accent || "#c8102e") + ";--bg:" + (colors.background || "#ffffff") + "}",
    {raw: true});
    T.config.collections.forEach(function (collection) {
      if (collection.name !== "trang") {
        CMS.registerPreviewTemplate(collection.name, articlePreview());
      }
    });
    CMS.init({config: Object.assign({load_config_file: false}, T.config)});
    watchForUnnamed();
  }

  // What the tests (and anyone curious, in the browser's console) can call.
  window.TintucCms = {fromFile: fromFile, toFile: ARTICLES.toFile, slugify: slugify,
    findKey: findKey, readDate: readDate, writeDate: writeDate, vietnamNow: vietnamNow};
  window.TintucCmsPages = PAGES;
  // Where `{static}/` is shown from (the site's root; none on a page that is not the site's).
  window.TintucCms.siteRoot = function (root) { siteRoot = root; };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { if (window.CMS) { start(); } });
  } else if (window.CMS) {
    start();
  }
})();
