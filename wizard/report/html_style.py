"""The HTML report's style sheet: one self-contained page, printable on A4."""

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
  word-break:break-all; }
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
  word-break:break-all; }
td.how ul, td.how ol { margin:0; padding-left:16px; }
td.how li { margin:0 0 3px; }
.note { color:var(--muted); font-size:12px; font-style:italic; }
.count { font-size:12px; font-weight:600; color:var(--fail); margin-left:8px; }
.stepnote { background:var(--soft); border-left:3px solid var(--accent); padding:6px 10px; margin:4px 0 8px; }
code { font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; font-size:12px; }
.empty { color:var(--muted); font-style:italic; }
footer { margin-top:36px; color:var(--muted); font-size:12px; border-top:1px solid var(--line); padding-top:10px; }
@media print {
  @page { size:A4; margin:14mm 12mm; }
  body { font-size:11px; }
  main { max-width:none; padding:0; }
  * { -webkit-print-color-adjust:exact; print-color-adjust:exact; }
  h2 { break-after:avoid; }
  .item, tr, .card { break-inside:avoid; }
  a { color:inherit; text-decoration:none; }
}
"""
