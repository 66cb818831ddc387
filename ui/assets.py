"""The page's stylesheet and its one script (citation links open their card)."""
from __future__ import annotations

CSS = """
.pqa-answer,.pqa-compliance{line-height:1.7}
.pqa-text{white-space:normal}
a.pqa-ref{font-weight:600;text-decoration:none;color:#1d4ed8;padding:0 1px;cursor:pointer}
.pqa-cards-title{margin:.8em 0 .3em;font-weight:600;color:#374151}
details.pqa-card{border:1px solid #e5e7eb;border-radius:8px;padding:6px 10px;margin:6px 0;background:#fafafa;
  scroll-margin-top:80px}
details.pqa-card[open]{background:#fff;border-color:#93c5fd}
details.pqa-card.pqa-flash{box-shadow:0 0 0 3px #fbbf24}
details.pqa-card summary{cursor:pointer}
.pqa-n{display:inline-block;min-width:1.6em;text-align:center;border-radius:4px;background:#1d4ed8;color:#fff;
  font-size:.85em;margin-right:4px}
.pqa-label{font-weight:600;color:#1d4ed8}
.pqa-meta,.pqa-path,.pqa-muted{color:#6b7280;font-size:.88em}
.pqa-clause{margin:6px 0;white-space:normal}
.pqa-clause mark{background:#fde68a;padding:0 1px}
.pqa-schedule{color:#92400e;font-size:.9em}
.pqa-notice{color:#92400e;background:#fffbeb;border-radius:6px;padding:4px 8px;margin:6px 0;font-size:.92em}
.pqa-notice.pqa-error{color:#991b1b;background:#fef2f2}
.pqa-notice.pqa-ok{color:#065f46;background:#ecfdf5}
.pqa-verdict{display:inline-block;font-weight:700;border-radius:999px;padding:2px 14px;margin:4px 0 8px;color:#fff}
.pqa-v-forbidden{background:#dc2626}.pqa-v-required{background:#2563eb}.pqa-v-encouraged{background:#16a34a}
.pqa-v-allowed{background:#0d9488}.pqa-v-unspecified{background:#6b7280}
dl.pqa-facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:6px 0}
dl.pqa-facts dt{color:#6b7280}dl.pqa-facts dd{margin:0}
.pqa-cmp-finding{font-weight:600;font-size:1.05em;padding:8px 10px;margin-bottom:8px;border-left:4px solid #2563eb;background:#eff6ff}
.pqa-cmp-head{display:grid;grid-template-columns:1fr 1fr;gap:12px;font-weight:600}
.pqa-cmp-row{display:grid;grid-template-columns:1fr 3em 1fr;gap:8px;border-top:1px solid #e5e7eb;padding:8px 0}
.pqa-cmp-score{align-self:center;text-align:center;color:#6b7280;font-size:.85em}
.pqa-cmp-cell .pqa-clause{max-height:14em;overflow:auto}
.pqa-only ul{padding-left:1.2em}
.pqa-table-wrap{overflow-x:auto}
table.pqa-table{border-collapse:collapse;width:100%;font-size:.92em}
table.pqa-table th,table.pqa-table td{border-bottom:1px solid #e5e7eb;padding:4px 8px;text-align:left;vertical-align:top}
table.pqa-table th,table.pqa-table td:not(:nth-child(2)){white-space:nowrap}
ul.pqa-report{list-style:none;padding-left:0}.pqa-report .pqa-error{color:#991b1b}.pqa-report .pqa-ok{color:#065f46}
details.pqa-tree{margin-left:1em}details.pqa-tree summary{cursor:pointer;font-weight:600}
.pqa-tree-text{margin:4px 0 8px 1em;font-size:.95em}
iframe.pqa-eval-frame{width:100%;height:80vh;border:1px solid #e5e7eb;border-radius:8px;margin-top:8px}
#pqa-eval-status .pqa-info{color:#1e3a8a;background:#eff6ff}
@media (max-width:640px){
  .pqa-cmp-head,.pqa-cmp-row{grid-template-columns:1fr}
  .pqa-cmp-score{text-align:left}
  .tab-container button[role=tab]{padding-left:8px;padding-right:8px}
  table.pqa-table thead{display:none}
  table.pqa-table,table.pqa-table tbody{display:block}
  table.pqa-table tr{display:block;border-bottom:1px solid #e5e7eb;padding:6px 0}
  table.pqa-table td{display:inline;border:none;padding:0 6px 0 0;white-space:normal!important}
  table.pqa-table td.pqa-c-title{display:block;font-weight:600}
  table.pqa-table td.pqa-c-doc,table.pqa-table td.pqa-c-number,table.pqa-table td.pqa-c-kind{color:#6b7280}
  table.pqa-table td.pqa-c-region,table.pqa-table td.pqa-c-clauses{display:none}
}
"""

# A click on [n] opens card n of the same answer, scrolls to it and flashes it. One listener on the
# document (capture phase) also serves messages rendered later.
HEAD = """
<script>
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("a.pqa-ref");
  if (!link) return;
  var card = document.getElementById((link.getAttribute("href") || "").slice(1));
  if (!card) return;
  event.preventDefault();
  card.open = true;
  card.scrollIntoView({behavior: "smooth", block: "center"});
  card.classList.add("pqa-flash");
  setTimeout(function () { card.classList.remove("pqa-flash"); }, 1600);
}, true);
</script>
"""

# Copies the text given as the event's input to the clipboard (a button's ``js``).
COPY_JS = "(text) => { if (text) { navigator.clipboard.writeText(text); } return text; }"
