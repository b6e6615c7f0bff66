/** The pages' style sheet, served as /assets/style.css and inlined in reports. */
export const STYLE = `
:root { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2430; background: #f6f7f9; }
body { margin: 0; }
header.top { display: flex; gap: 1.2rem; align-items: center; padding: 0.6rem 1.2rem; background: #1d2430; }
header.top a { color: #e8ecf2; text-decoration: none; }
header.top .brand { font-weight: 700; letter-spacing: 0.05em; }
.live { margin-left: auto; font-size: 0.85rem; color: #9fb3c8; }
.live.live { color: #5fd38d; }
main { padding: 0.5rem 1.2rem 3rem; max-width: 1500px; margin: 0 auto; }
h1 { font-size: 1.4rem; margin: 0.8rem 0; }
h2 { font-size: 1.1rem; margin: 1.4rem 0 0.5rem; }
section { background: #fff; border: 1px solid #e1e4ea; border-radius: 6px; padding: 0.3rem 1rem 1rem; margin: 1rem 0; }
a { color: #1f5fa8; }
code, pre, .arch { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.85rem; }
pre { white-space: pre-wrap; word-break: break-all; }
.caption { color: #5a6472; font-size: 0.85rem; margin: 0.3rem 0; }
.controls { display: flex; flex-wrap: wrap; gap: 0.8rem; align-items: center; margin: 0.4rem 0 0.6rem; }
.controls input[type=number] { width: 4.5rem; }
.controls input[type=search] { width: 18rem; }
.table-wrap { overflow-x: auto; }
table.data { border-collapse: collapse; width: 100%; font-size: 0.88rem; }
table.data th, table.data td { padding: 0.28rem 0.55rem; border-bottom: 1px solid #eceef2; text-align: left; white-space: nowrap; }
table.data th { background: #f0f2f5; position: sticky; top: 0; }
table.data th.sortable { cursor: pointer; user-select: none; }
table.trials tbody tr { cursor: pointer; }
table.trials tbody tr:hover { background: #f3f7fc; }
table.trials tbody tr.selected { background: #fff4d6; }
table.trials .arch { white-space: normal; }
table.facts { border-collapse: collapse; font-size: 0.9rem; }
table.facts th { text-align: left; font-weight: 500; color: #5a6472; padding: 0.15rem 1rem 0.15rem 0; }
table.facts td { padding: 0.15rem 0; }
.header-facts { display: flex; flex-wrap: wrap; gap: 2.5rem; }
.pair { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 1rem; align-items: start; }
.chart { min-width: 0; }
.badge { display: inline-block; padding: 0.05rem 0.45rem; border-radius: 999px; font-size: 0.75rem; font-weight: 600; vertical-align: middle; background: #e4e7ec; }
.status-completed { background: #dbeafe; color: #1e4f8a; }
.status-running { background: #dcfce7; color: #166534; }
.status-queued { background: #f1f5f9; color: #475569; }
.status-pruned { background: #ffedd5; color: #9a4a0b; }
.status-failed { background: #fee2e2; color: #991b1b; }
.status-duplicate { background: #ececec; color: #555; }
.status-stopped { background: #fef9c3; color: #854d0e; }
.error-box { background: #fee2e2; border: 1px solid #f5b5b5; color: #7f1d1d; padding: 0.6rem 0.9rem; border-radius: 6px; margin: 0.8rem 0; white-space: pre-wrap; }
.error-text { background: #fff5f5; border: 1px solid #f5c2c2; padding: 0.6rem; }
.warnings.warn { color: #991b1b; font-weight: 600; }
canvas.heat-strip { width: 100%; height: 120px; image-rendering: pixelated; border: 1px solid #e1e4ea; }
table.confusion { border-collapse: collapse; font-size: 0.75rem; }
table.confusion th, table.confusion td { border: 1px solid #e6e8ec; padding: 0.2rem 0.35rem; text-align: right; max-width: 7rem; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.command { display: flex; gap: 0.6rem; align-items: center; }
.command code { background: #f0f2f5; padding: 0.35rem 0.6rem; border-radius: 4px; }
.chip { margin-left: 0.3rem; border: 1px solid #d0d5dd; background: #fff; border-radius: 999px; cursor: pointer; }
.crumbs { margin: 0.6rem 0 0; color: #5a6472; }
svg.network { max-width: 100%; height: auto; }
.replay { border-top: 1px solid #eceef2; padding-top: 0.5rem; }
`;
