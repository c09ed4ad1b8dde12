"""The HTML report's style sheet: one self-contained page, printable on A4 and Letter.

Print: ``@page`` margin boxes (Chromium 131 and later, and every paged-media engine) carry the running
header (customer, report, date) and "Page n of N"; no page size is forced, so A4 and Letter printers
both get their own, and the layout fits the narrower (A4: 186 mm of text) and the shorter (Letter) of
the two. The executive page is one printed page; long ARNs break anywhere rather than run off the page.
"""

from wizard.safe_text import css_string

CSS = """
:root { --pass:#1e7f4f; --fail:#c0392b; --manual:#b7791f; --unknown:#6b7280; --na:#aab2bd; --ink:#1f2933; --muted:#5f6b7a;
  --line:#e3e7ec; --soft:#f5f7fa; --accent:#1d4e89; }
* { box-sizing:border-box; }
body { margin:0; font:14px/1.5 -apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif; color:var(--ink);
  background:#fff; }
main { max-width:1080px; margin:0 auto; padding:32px 40px 48px; }
header.report { border-bottom:3px solid var(--accent); padding-bottom:16px; margin-bottom:24px; }
header.report .kicker { text-transform:uppercase; letter-spacing:.08em; font-size:12px; color:var(--accent);
  font-weight:600; }
h1 { font-size:26px; margin:4px 0 12px; }
h2 { font-size:19px; margin:32px 0 12px; padding-bottom:6px; border-bottom:1px solid var(--line); }
h3 { font-size:15px; margin:20px 0 8px; }
dl.meta { display:grid; grid-template-columns:max-content 1fr; gap:4px 16px; margin:0; }
dl.meta dt { color:var(--muted); }
dl.meta dd { margin:0; font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; font-size:13px;
  overflow-wrap:anywhere; }
dl.scope dd { font-family:inherit; font-size:inherit; }
.cards { display:flex; gap:12px; flex-wrap:wrap; margin:8px 0 4px; }
.card { flex:1 1 140px; border:1px solid var(--line); border-radius:8px; padding:12px 16px; background:var(--soft); }
.card .n { font-size:28px; font-weight:700; line-height:1.1; }
.card .l { color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.06em; }
.card.pass .n { color:var(--pass); } .card.fail .n { color:var(--fail); }
.card.manual .n { color:var(--manual); } .card.unknown .n { color:var(--unknown); } .card.na .n { color:var(--na); }
.card.score .n { color:var(--accent); }
table { width:100%; border-collapse:collapse; margin:4px 0 8px; }
th, td { text-align:left; vertical-align:top; padding:6px 8px; border-bottom:1px solid var(--line); }
th { font-size:12px; text-transform:uppercase; letter-spacing:.05em; color:var(--muted); background:var(--soft); }
td.num { text-align:right; font-variant-numeric:tabular-nums; white-space:nowrap; }
.bar { display:flex; height:14px; min-width:220px; border-radius:3px; overflow:hidden; background:var(--line); }
.bar span { display:block; height:100%; }
.bar .pass, .legend .pass { background:var(--pass); } .bar .fail, .legend .fail { background:var(--fail); }
.bar .manual, .legend .manual { background:var(--manual); } .bar .unknown, .legend .unknown { background:var(--unknown); }
.bar .na, .legend .na { background:var(--na); }
.legend { color:var(--muted); font-size:12px; margin:0 0 8px; }
.legend i { display:inline-block; width:10px; height:10px; border-radius:2px; margin:0 4px 0 12px; vertical-align:-1px; }
.badge { display:inline-block; padding:1px 7px; border-radius:10px; font-size:11px; font-weight:700;
  letter-spacing:.03em; color:#fff; white-space:nowrap; }
.badge.pass { background:var(--pass); } .badge.fail { background:var(--fail); }
.badge.manual { background:var(--manual); } .badge.unknown { background:var(--unknown); }
.badge.na { background:var(--na); }
.sev { display:inline-block; padding:0 6px; border-radius:3px; font-size:11px; border:1px solid currentColor;
  text-transform:uppercase; white-space:nowrap; }
.sev.critical { color:#8e1b10; } .sev.high { color:var(--fail); } .sev.medium { color:var(--manual); }
.sev.low { color:var(--accent); } .sev.info { color:var(--unknown); }
.ids { font-size:12px; color:var(--muted); }
.where { font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; font-size:12px; color:var(--muted);
  overflow-wrap:anywhere; }
td.how ul, td.how ol { margin:0; padding-left:16px; }
td.how li { margin:0 0 3px; }
td.how .acct { font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; font-size:11px; color:var(--muted); }
.note { color:var(--muted); font-size:12px; font-style:italic; }
.count { font-size:12px; font-weight:600; color:var(--fail); margin-left:8px; }
.stepnote { background:var(--soft); border-left:3px solid var(--accent); padding:6px 10px; margin:4px 0 8px; }
code { font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; font-size:12px; }
.empty { color:var(--muted); font-style:italic; }
footer { margin-top:36px; color:var(--muted); font-size:12px; border-top:1px solid var(--line); padding-top:10px; }
a { color:var(--accent); }
.card .s { color:var(--muted); font-size:11px; }
.sevcards .card { flex:1 1 90px; padding:8px 12px; }
.card.critical .n { color:#8e1b10; } .card.high .n { color:var(--fail); } .card.medium .n { color:var(--manual); }
.card.low .n { color:var(--accent); } .card.info .n { color:var(--unknown); }
.notrun { background:#cbd2d9; } .notcovered { background:#eef1f4; color:var(--muted); }
.legend i.notrun, .legend i.notcovered { border:1px solid var(--line); }
.badge.notrun, .badge.notcovered { color:var(--ink); }
.chips { display:flex; flex-wrap:wrap; gap:3px; }
.chip { display:inline-block; width:38px; text-align:center; font-size:10px; font-weight:600; border-radius:3px;
  padding:1px 0; color:#fff; }
.chip.pass { background:var(--pass); } .chip.fail { background:var(--fail); } .chip.manual { background:var(--manual); }
.chip.unknown { background:var(--unknown); } .chip.na { background:var(--na); } .chip.notrun, .chip.notcovered { color:var(--ink); }
.twocol { display:flex; gap:24px; } .twocol > div { flex:1; } .twocol p { margin:0; }
.executive h2 { margin:12px 0 6px; font-size:17px; }
.executive h3 { margin:10px 0 4px; }
.executive header.report { padding-bottom:8px; margin-bottom:8px; }
.executive dl.meta { font-size:12px; gap:1px 16px; }
.executive td, .executive th { padding:3px 6px; }
.executive .card .n { font-size:22px; }
.executive .stepnote { margin:2px 0 4px; }
table { table-layout:fixed; }
td, dd, li { overflow-wrap:anywhere; }
th { letter-spacing:.02em; }
th.num { letter-spacing:0; font-size:10px; }
table.compact td { padding:3px 6px; }
nav.contents ol { columns:2; margin:0; }
details summary { color:var(--accent); font-size:12px; cursor:pointer; }
ul.members { margin:4px 0; padding-left:16px; font-size:12px; }
ul.members li { margin:0 0 2px; }
table.sign th { width:22%; }
table.sign td.line { height:48px; border-bottom:1px solid var(--ink); }
@media print {
  @page { margin:16mm 12mm 14mm; }
  body { font-size:10.5px; }
  main { max-width:none; padding:0; }
  * { -webkit-print-color-adjust:exact; print-color-adjust:exact; }
  h2 { break-after:avoid; }
  h3 { break-after:avoid; }
  tr, .card, .chip, .signoff { break-inside:avoid; }
  section.executive { break-after:page; }
  section.executive h1 { font-size:20px; margin:2px 0 6px; }
  a { color:inherit; text-decoration:none; }
  details:not([open]) > *:not(summary) { display:none; }
  details summary { color:var(--muted); }
}
"""


def print_css(header: str) -> str:
    """The printed pages' running header and page numbers; ``header`` comes from the user and the
    account, so it is written as an escaped CSS string."""
    return ("@media print { @page { @top-left { content:" + css_string(header) + "; font-size:8pt; color:#5f6b7a; }"
            ' @bottom-right { content:"Page " counter(page) " of " counter(pages); font-size:8pt; color:#5f6b7a; }'
            ' @bottom-left { content:"aws-essentials"; font-size:8pt; color:#5f6b7a; } } }')
