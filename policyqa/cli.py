"""The ``policyqa`` command: a thin layer that parses arguments, calls the Python API and prints.

Domain errors become one line on stderr and a non-zero exit code; nothing else is caught.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from policyqa.config import Config
from policyqa.errors import PolicyQAError

EXIT_SKIPPED = 3  # ingest finished but some files were skipped


def _config(args: argparse.Namespace) -> Config:
    return Config.load(index_dir=getattr(args, "index", None))


def _print_ingest(result) -> None:
    from policyqa.ingest.summary import format_summary
    print(format_summary(result))


def cmd_ingest(args: argparse.Namespace) -> int:
    """Ingest files/folders (default: the bundled corpus) into the index folder."""
    from policyqa.index.service import ingest_and_index
    config = _config(args)
    paths = [Path(p) for p in args.paths] or [config.corpus_dir]
    result = ingest_and_index(config, paths, rebuild=args.rebuild, reset=args.reset, embed=not args.no_embed,
                              progress=not args.quiet)
    _print_ingest(result)
    for failure in result.report.failures:
        print(f"跳过 {failure.path}：{failure.reason}", file=sys.stderr)
    return EXIT_SKIPPED if result.report.failures else 0


def cmd_library(args: argparse.Namespace) -> int:
    """List the documents in the index with their metadata, filtered as asked."""
    from policyqa.index.library_view import STATUSES, LibraryQuery, load_documents, status_of
    try:
        query = LibraryQuery.parse(level=args.level, region=args.region, kind=args.kind, year=args.year,
                                   status=args.status, title=args.title, form=args.form)
    except ValueError as err:
        raise PolicyQAError(str(err)) from None
    docs = query.select(load_documents(_config(args).index_dir))
    if args.json:
        for rec in docs:
            print(json.dumps(rec, ensure_ascii=False))
        return 0
    for rec in docs:
        title = rec.get("title") or "（无标题）"
        flags = "（征求意见稿）" if rec.get("is_draft") and "征求意见稿" not in title else ""
        print(f"{rec['doc']}\t{title}{flags}\t{rec.get('doc_number') or '-'}\t"
              f"{rec.get('date') or '-'}\t{rec.get('level') or '-'}\t{rec.get('region') or '-'}\t"
              f"{rec.get('legal_form') or rec.get('kind')}\t"
              f"{STATUSES[status_of(rec)]}\t条款 {rec.get('clauses')}")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    """Remove a document from the library and re-index."""
    from policyqa.index.service import remove_and_reindex
    result = remove_and_reindex(_config(args), args.name, progress=not args.quiet)
    _print_ingest(result)
    return 0


def cmd_models(args: argparse.Namespace) -> int:
    """Show the embedding model in use, where it is cached, and whether it is built."""
    from policyqa.index.models_info import describe_models
    print(describe_models(_config(args)))
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    """Print ranked clauses for a query (retrieval only, no answer)."""
    from policyqa.index.search_cli import run_search
    return run_search(_config(args), args.query, k=args.k, docs=args.doc, as_json=args.json)


def cmd_ask(args: argparse.Namespace) -> int:
    """Answer one question, or a JSONL batch, with cited clauses."""
    from policyqa.assistant.ask_cli import run_ask
    return run_ask(_config(args), question=args.question, docs=args.doc, as_json=args.json,
                   batch=Path(args.batch) if args.batch else None, out=Path(args.out) if args.out else None)


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the Gradio page (building the model and index first if missing) until interrupted."""
    from policyqa.ui.server import serve
    serve(_config(args), host=args.host, port=args.port)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    """Score the assistant (or recorded answers) and optional baselines on a gold set; write the
    report as JSON, Markdown and HTML, and print the summary table."""
    from policyqa.evals.gold import BUNDLED_GOLD
    from policyqa.evals.report_files import write_reports
    from policyqa.evals.report_text import summary_table
    from policyqa.evals.suite import EvalOptions, run_eval
    options = EvalOptions(gold=Path(args.gold) if args.gold else BUNDLED_GOLD, baselines=args.baselines,
                          quick=args.quick, answers=Path(args.answers) if args.answers else None)
    report = run_eval(_config(args), options, progress=not args.quiet)
    paths = write_reports(report, Path(args.out))
    print(summary_table(report))
    print(f"报告：{paths['html']}（另有 {paths['md'].name}、{paths['json'].name}）", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``policyqa`` command."""
    parser = argparse.ArgumentParser(prog="policyqa", description="基础教育政策问答：按条款检索并引用原文。")
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str, func: Callable[[argparse.Namespace], int], help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--index", help="index folder (default: $POLICYQA_INDEX or ~/.local/share/policyqa/index)")
        p.add_argument("--verbose", action="store_true",
                       help="on stderr: what loads (backend, models, index) and how long it takes, and library warnings")
        p.set_defaults(func=func)
        return p

    _library_commands(add)
    _question_commands(add)
    from policyqa.relevance_cli import add_commands
    add_commands(sub)
    return parser


def _library_commands(add) -> None:
    """ingest, library, remove, models: building and inspecting the library."""
    p = add("ingest", cmd_ingest, "Ingest documents (.txt .md .docx .pdf .html) and build the index. "
            "Without PATH: the bundled corpus. Exit code 3 when some files were skipped.")
    p.add_argument("paths", nargs="*", help="files or folders to add to the library")
    p.add_argument("--rebuild", action="store_true",
                   help="re-parse and re-embed every stored document, reusing nothing from the old index "
                        "(repairs a damaged index or one built with another model; keeps added documents)")
    p.add_argument("--reset", action="store_true",
                   help="start from an empty library: only the given paths (default: the bundled corpus) remain")
    p.add_argument("--no-embed", action="store_true",
                   help="parse and write clauses.jsonl only (refused on a folder that already holds vectors)")
    p.add_argument("--quiet", action="store_true", help="no progress output")

    p = add("library", cmd_library, "List the documents in the library with their metadata.")
    p.add_argument("--json", action="store_true", help="one JSON object per document")
    p.add_argument("--level", default="", help="national, provincial, municipal or district")
    p.add_argument("--region", default="", help="part of the region's name (河南, 苏州市 …)")
    p.add_argument("--kind", default="", help="law, opinion, plan, notice, repost or other")
    p.add_argument("--year", default="", help="year of the document's date (2016)")
    p.add_argument("--status", default="", help="in_force, superseded (older law versions), copy or repost")
    p.add_argument("--title", default="", help="part of the title or file name (美育)")
    p.add_argument("--form", default="", help="legal form: 法律, 行政法规, 地方性法规, 规章 or 规范性文件")

    p = add("remove", cmd_remove, "Remove one document (by file name) from the library and re-index.")
    p.add_argument("name")
    p.add_argument("--quiet", action="store_true")

    add("models", cmd_models, "Show the embedding model and the relevance model: what is installed and where.")


def _question_commands(add) -> None:
    """ask, serve, search, eval: asking the library and measuring the answers."""
    p = add("ask", cmd_ask, "Answer a question from the documents, citing the clauses it rests on "
            "(or say that the documents do not say). Batch: --batch IN.jsonl --out OUT.jsonl.")
    p.add_argument("question", nargs="?", help="the question (omit with --batch)")
    p.add_argument("--doc", action="append", help="restrict to a document (file name or alias); repeatable")
    p.add_argument("--json", action="store_true", help="print the answer as one JSON object (the batch line format)")
    p.add_argument("--batch", metavar="IN.jsonl", help="JSONL input, one {\"id\", \"question\"} per line")
    p.add_argument("--out", metavar="OUT.jsonl", help="where batch answers go (required with --batch)")

    p = add("serve", cmd_serve, "Serve the web page (chat, compliance, compare, library, evaluation) and the "
            "ask API; builds the model and the index first if missing.")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=7860, help="port (default 7860)")

    p = add("search", cmd_search, "Retrieve the clauses that best match a query, with scores.")
    p.add_argument("query")
    p.add_argument("--k", type=int, default=5, help="how many clauses (default 5)")
    p.add_argument("--doc", action="append", help="restrict to a document (file name or alias); repeatable")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = add("eval", cmd_eval, "Evaluate answer fidelity on a gold set (default: the bundled one) and write "
            "report.json, report.md and report.html.")
    p.add_argument("--gold", help="gold JSONL file (format: docs/gold-format.md)")
    p.add_argument("--out", default="eval-report", help="report folder (default ./eval-report)")
    p.add_argument("--baselines", action="store_true", help="also run BM25-only and llama-index defaults")
    p.add_argument("--quick", action="store_true", help="a 30-question subset covering every type")
    p.add_argument("--answers", help="score this `policyqa ask --batch` output instead of asking the assistant")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def _chatter(verbose: bool) -> None:
    """``--verbose``: PolicyQA's load timings and the libraries' warnings on stderr; otherwise
    neither (stderr carries only errors, notices and progress the user asked for)."""
    import logging
    import warnings

    if verbose:
        logging.basicConfig(stream=sys.stderr, format="%(name)s: %(message)s")
        logging.getLogger("policyqa").setLevel(logging.INFO)
        warnings.simplefilter("default")
    else:
        warnings.simplefilter("ignore")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``policyqa`` console command."""
    args = build_parser().parse_args(argv)
    _chatter(getattr(args, "verbose", False))
    try:
        return args.func(args)
    except PolicyQAError as err:
        print(f"错误：{err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
