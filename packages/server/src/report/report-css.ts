/** The report's styles, inlined into every report (no stylesheet is fetched). */
export const reportCss = `
:root{color-scheme:light;--fg:#111827;--muted:#6b7280;--line:#e5e7eb;--bg:#fff;--ok:#15803d;--bad:#b91c1c}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header,main,footer{max-width:1100px;margin:0 auto;padding:0 20px}
header{padding-top:20px;border-bottom:1px solid var(--line)}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 10px}h3{font-size:14px;margin:18px 0 6px}
.facts{color:var(--muted);margin:0 0 14px}
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;background:#f3f4f6;padding:1px 4px;border-radius:3px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(130px,1fr));gap:10px}
.card{border:1px solid var(--line);border-radius:6px;padding:8px 10px}
.card .k{color:var(--muted);font-size:12px}.card .v{font-size:19px;font-weight:600}
table{border-collapse:collapse;width:100%;margin:6px 0;font-variant-numeric:tabular-nums}
th,td{padding:4px 8px;border-bottom:1px solid var(--line);text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left;white-space:normal;word-break:break-all}
thead th{color:var(--muted);font-weight:600}
.two{display:grid;grid-template-columns:1fr 1fr;gap:20px}
.ok{color:var(--ok)}.bad{color:var(--bad);font-weight:600}.empty{color:var(--muted)}
.chart{width:100%;height:auto;display:block;margin:8px 0 16px}
.chart .grid{stroke:var(--line)}.chart .tick,.chart .legend{font-size:11px;fill:var(--muted)}
.chart .chart-title{font-size:13px;font-weight:600;fill:var(--fg)}
footer{color:var(--muted);font-size:12px;padding:24px 20px}
@media print{.chart{break-inside:avoid}}
`;
