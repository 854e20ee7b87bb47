import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The portals' one stylesheet and one small script (progressive enhancement only: every form works without it),
/// and the headers every portal answer carries.
public enum PortalAssets {
    /// Scripts and styles from this origin only, no inline code, no framing, forms posting to this origin only.
    public static let contentSecurityPolicy = contentSecurityPolicy(formTargets: [])

    /// The same, letting a form's redirects go on to `formTargets` (origins): browsers apply `form-action` to
    /// every redirect that follows a form's submission.
    static func contentSecurityPolicy(formTargets: [String]) -> String {
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action "
            + (["'self'"] + formTargets).joined(separator: " ")
            + "; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    }

    /// An HTML page with the portal's security headers.
    public static func html(_ body: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        secure(&headers)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func secure(_ headers: inout HTTPFields) {
        headers[.contentSecurityPolicy] = contentSecurityPolicy
        headers[.xContentTypeOptions] = "nosniff"
        headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
    }

    static func response(_ text: String, type: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "public, max-age=300"
        secure(&headers)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static let css = """
    :root { --ink: #1a1a1a; --muted: #555; --line: #c8ccd2; --accent: #0b57a4; --accent-ink: #fff; --bg: #f4f6f8;
            --ok: #1b6e2a; --warn: #8a4b00; --bad: #a4161a; --focus: #f0a500; }
    * { box-sizing: border-box; }
    html { font-size: 16px; }
    body { margin: 0; font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; color: var(--ink); background: var(--bg); line-height: 1.6; }
    a { color: var(--accent); }
    a:focus, button:focus, input:focus, select:focus, textarea:focus, summary:focus { outline: 3px solid var(--focus); outline-offset: 2px; }
    .skip { position: absolute; left: -999px; top: 0; background: #fff; padding: .5rem; }
    .skip:focus { left: .5rem; z-index: 10; }
    .top { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: center; gap: .5rem; padding: .6rem 1rem; background: var(--accent); color: var(--accent-ink); }
    .brand { font-weight: bold; }
    .logo { display: inline-block; background: #fff; color: var(--accent); border-radius: 4px; padding: 0 .35rem; margin-right: .3rem; }
    .who { display: flex; gap: .6rem; align-items: center; font-size: .95rem; }
    .top .link { color: var(--accent-ink); }
    .tabs { background: #fff; border-bottom: 1px solid var(--line); }
    .tabs ul { list-style: none; margin: 0 auto; padding: 0 .5rem; display: flex; flex-wrap: wrap; max-width: 72rem; }
    .tabs a { display: block; padding: .7rem .9rem; text-decoration: none; color: var(--ink); border-bottom: 3px solid transparent; }
    .tabs a[aria-current="page"] { border-bottom-color: var(--accent); font-weight: bold; color: var(--accent); }
    .badge { display: inline-block; min-width: 1.4rem; padding: 0 .35rem; border-radius: .7rem; background: var(--bad); color: #fff; font-size: .8rem; text-align: center; }
    main { max-width: 72rem; margin: 0 auto; padding: 1rem; }
    h1 { font-size: 1.4rem; margin: .5rem 0 1rem; }
    h2 { font-size: 1.1rem; margin: 0 0 .6rem; }
    .card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 1rem; margin-bottom: 1rem; }
    .grid { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; margin: 0; }
    .grid dt { color: var(--muted); }
    .grid dd { margin: 0; overflow-wrap: anywhere; }
    @media (min-width: 48rem) { .grid { grid-template-columns: max-content 1fr max-content 1fr; } }
    .pre { white-space: pre-wrap; }
    .muted { color: var(--muted); }
    .flash { background: #e7f4ea; border: 1px solid var(--ok); color: var(--ok); padding: .6rem .8rem; border-radius: 4px; margin-bottom: 1rem; }
    .problem { background: #fdecec; border: 1px solid var(--bad); color: var(--bad); padding: .6rem .8rem; border-radius: 4px; margin-bottom: 1rem; }
    .notice { background: #fff6e5; border: 1px solid var(--warn); color: var(--warn); padding: .5rem .8rem; border-radius: 4px; }
    .pill { display: inline-block; padding: .05rem .6rem; border-radius: 1rem; border: 1px solid var(--accent); color: var(--accent); font-weight: bold; }
    .pill-refused { border-color: var(--bad); color: var(--bad); font-weight: normal; }
    .reason { margin: .4rem 0; }
    .timeline { margin: 0; padding-left: 1.2rem; }
    .timeline li { margin-bottom: .4rem; }
    .when { font-variant-numeric: tabular-nums; color: var(--muted); }
    form.stack { display: grid; gap: .8rem; max-width: 40rem; }
    label { font-weight: bold; display: block; margin-bottom: .2rem; }
    label.inline-label { display: inline; }
    .hint { font-weight: normal; color: var(--muted); font-size: .9rem; }
    input[type=text], input[type=tel], input[type=email], input[type=password], input[type=search], select, textarea {
      width: 100%; padding: .55rem .6rem; border: 1px solid #767676; border-radius: 4px; font: inherit; background: #fff; color: var(--ink); }
    textarea { min-height: 5rem; }
    .actions { display: flex; flex-wrap: wrap; gap: .6rem; align-items: center; margin-top: .4rem; }
    button, .button { font: inherit; padding: .55rem 1.1rem; border-radius: 4px; border: 1px solid var(--accent); background: var(--accent); color: var(--accent-ink); cursor: pointer; text-decoration: none; display: inline-block; }
    button.secondary, .button.secondary { background: #fff; color: var(--accent); }
    button.danger { background: var(--bad); border-color: var(--bad); }
    button.link { background: none; border: none; padding: 0; text-decoration: underline; cursor: pointer; }
    button:disabled, .button[aria-disabled="true"] { background: #e1e4e8; border-color: #9aa0a6; color: #3c4043; cursor: not-allowed; }
    .disabled-why { color: var(--muted); font-size: .9rem; }
    form.inline { display: inline; }
    table { border-collapse: collapse; width: 100%; background: #fff; }
    th, td { border: 1px solid var(--line); padding: .45rem .6rem; text-align: left; vertical-align: top; }
    th { background: #eef1f4; }
    .table-wrap { overflow-x: auto; }
    /* A wide table that becomes one card per row on a phone: each cell shows its column's name (data-label); the
       header row stays for screen readers, out of sight. */
    @media (max-width: 40rem) {
      table.cards thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
      table.cards, table.cards tbody, table.cards tr, table.cards td { display: block; width: 100%; }
      table.cards tr { border: 1px solid var(--line); border-radius: 6px; margin-bottom: .8rem; background: #fff; }
      table.cards td { border: none; border-bottom: 1px solid var(--line); display: grid; grid-template-columns: 7.5rem 1fr; gap: .5rem; overflow-wrap: anywhere; }
      table.cards td:last-child { border-bottom: none; }
      table.cards td::before { content: attr(data-label); font-weight: bold; color: var(--muted); }
    }
    .choices { list-style: none; padding: 0; margin: 0; border: 1px solid var(--line); border-radius: 4px; max-height: 18rem; overflow-y: auto; background: #fff; }
    .choices li { border-bottom: 1px solid var(--line); }
    .choices label { font-weight: normal; display: flex; gap: .6rem; padding: .5rem .6rem; cursor: pointer; }
    fieldset { border: 1px solid var(--line); border-radius: 6px; padding: .8rem; margin: 0; }
    legend { font-weight: bold; padding: 0 .3rem; }
    .notices details { margin-bottom: .6rem; }
    .notices summary { cursor: pointer; font-weight: bold; }
    .foot { max-width: 72rem; margin: 2rem auto 1rem; padding: 0 1rem; color: var(--muted); font-size: .9rem; }
    .foot a { margin-right: 1rem; }
    .identities { list-style: none; padding: 0; display: grid; gap: .5rem; }
    @media print { .top, .tabs, .foot, .skip { display: none; } }
    /* The printed agreement: A4 sheets, each copy one front and one back, nothing flowing from one to the next. */
    @page { size: A4; margin: 0; }
    .print-body { background: #e8eaed; }
    .print-toolbar { max-width: 210mm; margin: 1rem auto; background: #fff; padding: 1rem; border: 1px solid var(--line); border-radius: 6px; }
    .print-toolbar h1 { margin-top: 0; }
    .sheet { width: 210mm; height: 296mm; margin: 1rem auto; padding: 12mm 14mm 8mm; background: #fff; color: #000;
             box-shadow: 0 1px 4px rgba(0,0,0,.3); overflow: hidden; display: flex; flex-direction: column; font-size: 10pt; line-height: 1.45; }
    .sheet > * { flex-shrink: 0; }  /* never squeeze a part: what does not fit must show as overflow */
    .sheet h3 { font-size: 10.5pt; margin: 2.5mm 0 1.2mm; }
    .form-head { text-align: center; border-bottom: 2px solid #000; padding-bottom: 2mm; }
    .form-title { font-size: 17pt; margin: 1mm 0; letter-spacing: .1em; }
    .copy-mark { text-align: right; margin: 0; font-weight: bold; }
    .form-no { margin: 0; }
    table.form { width: 100%; border-collapse: collapse; table-layout: fixed; background: #fff; }
    table.form th, table.form td { border: 1px solid #000; padding: .8mm 1.5mm; font-size: 9pt; line-height: 1.35; overflow-wrap: anywhere; }
    table.form th { width: 28mm; font-size: 8.5pt; font-weight: normal; background: #f2f2f2; white-space: nowrap; }
    .long { font-size: 8pt; line-height: 1.3; white-space: pre-wrap; overflow-wrap: anywhere; }
    .box { border: 1px solid #000; padding: 1.5mm; min-height: 10mm; }
    .stamp { text-align: right; margin: 1mm 0 1.5mm; font-size: 9pt; }
    .verify { display: flex; gap: 4mm; align-items: center; border-top: 1px dashed #000; padding-top: 2mm; margin-top: auto; font-size: 9pt; }
    .verify p { margin: .5mm 0; overflow-wrap: anywhere; }
    .qr { width: 30mm; height: 30mm; flex: none; }
    .qr svg { width: 100%; height: 100%; display: block; }
    .sheet-foot { text-align: center; font-size: 8pt; margin: 1mm 0 0; }
    .front .sheet-foot { margin-top: auto; }
    /* On a phone the A4 sheets are shown smaller (printing is unaffected). */
    @media screen and (max-width: 820px) { .print-body main { zoom: 0.47; } .print-toolbar { margin: .5rem; } }
    @media print {
      body.print-body { background: #fff; }
      .no-print { display: none !important; }
      .sheet { margin: 0; box-shadow: none; break-after: page; }
      .copy:last-child .sheet.back { break-after: auto; }
    }
    """

    static let js = """
    // Progressive enhancement: every form works without this script.
    (function () {
      'use strict';
      // The employer search dialog: results as you type (the form's search button still works without script).
      document.querySelectorAll('[data-employer-search]').forEach(function (input) {
        var list = document.getElementById(input.getAttribute('aria-controls'));
        var url = input.getAttribute('data-employer-search');
        var timer = null;
        input.addEventListener('input', function () {
          clearTimeout(timer);
          timer = setTimeout(function () {
            fetch(url + '?q=' + encodeURIComponent(input.value), { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
              .then(function (r) { return r.ok ? r.json() : { employers: [] }; })
              .then(function (data) {
                var chosen = list.querySelector('input:checked');
                var keep = chosen ? chosen.value : null;
                list.textContent = '';
                data.employers.forEach(function (e) {
                  var li = document.createElement('li');
                  var label = document.createElement('label');
                  var radio = document.createElement('input');
                  radio.type = 'radio'; radio.name = 'employerID'; radio.value = e.employerID; radio.required = true;
                  if (e.employerID === keep) { radio.checked = true; }
                  var text = document.createElement('span');
                  text.textContent = e.name + '（' + e.location + '，' + e.creditCode + '）';
                  label.appendChild(radio); label.appendChild(document.createTextNode(' 选择 ')); label.appendChild(text);
                  li.appendChild(label); list.appendChild(li);
                });
                var status = document.getElementById(input.getAttribute('data-status'));
                if (status) { status.textContent = '找到 ' + data.employers.length + ' 个单位'; }
              });
          }, 250);
        });
      });
      // 全选 for batch signing.
      document.querySelectorAll('[data-select-all]').forEach(function (box) {
        box.addEventListener('change', function () {
          document.querySelectorAll('input[name="' + box.getAttribute('data-select-all') + '"]').forEach(function (b) { b.checked = box.checked; });
        });
      });
      document.querySelectorAll('[data-print]').forEach(function (b) {
        b.addEventListener('click', function () { window.print(); });
      });
      document.querySelectorAll('[data-back]').forEach(function (a) {
        a.addEventListener('click', function (e) { e.preventDefault(); history.back(); });
      });
    })();
    """
}
