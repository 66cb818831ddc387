"""Write a report to a folder as ``report.json``, ``report.md`` and ``report.html``."""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from policyqa.evals.report_html import html_report
from policyqa.evals.report_text import markdown_report
from policyqa.evals.suite import EvalReport

__all__ = ["new_report_folder", "write_reports"]


def new_report_folder(reports_dir: Path) -> Path:
    """A folder for one run's report under ``reports_dir``, named by the time (``20261206-193000``);
    the page and ``policyqa eval`` both write there."""
    return Path(reports_dir) / datetime.now().strftime("%Y%m%d-%H%M%S")


def write_reports(report: EvalReport, out_dir: Path) -> dict[str, Path]:
    """Create ``out_dir`` if needed and write the three files; returns {format: path}."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"json": out_dir / "report.json", "md": out_dir / "report.md", "html": out_dir / "report.html"}
    paths["json"].write_text(json.dumps(report.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")
    paths["md"].write_text(markdown_report(report), encoding="utf-8")
    paths["html"].write_text(html_report(report), encoding="utf-8")
    return paths
