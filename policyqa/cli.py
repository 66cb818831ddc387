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
    result = ingest_and_index(config, paths, rebuild=args.rebuild, embed=not args.no_embed,
                              progress=not args.quiet)
    _print_ingest(result)
    for failure in result.report.failures:
        print(f"跳过 {failure.path}：{failure.reason}", file=sys.stderr)
    return EXIT_SKIPPED if result.report.failures else 0


def cmd_library(args: argparse.Namespace) -> int:
    """List the documents in the index with their metadata."""
    from policyqa.index.library_view import load_documents
    docs = load_documents(_config(args).index_dir)
    if args.json:
        for rec in docs:
            print(json.dumps(rec, ensure_ascii=False))
        return 0
    for rec in docs:
        title = rec.get("title") or "（无标题）"
        flags = "（征求意见稿）" if rec.get("is_draft") and "征求意见稿" not in title else ""
        print(f"{rec['doc']}\t{title}{flags}\t{rec.get('doc_number') or '-'}\t"
              f"{rec.get('date') or '-'}\t{rec.get('level') or '-'}\t{rec.get('kind')}\t条款 {rec.get('clauses')}")
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


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``policyqa`` command."""
    parser = argparse.ArgumentParser(prog="policyqa", description="基础教育政策问答：按条款检索并引用原文。")
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str, func: Callable[[argparse.Namespace], int], help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--index", help="index folder (default: $POLICYQA_INDEX or ~/.local/share/policyqa/index)")
        p.set_defaults(func=func)
        return p

    p = add("ingest", cmd_ingest, "Ingest documents (.txt .md .docx .pdf .html) and build the index. "
            "Without PATH: the bundled corpus. Exit code 3 when some files were skipped.")
    p.add_argument("paths", nargs="*", help="files or folders to add to the library")
    p.add_argument("--rebuild", action="store_true", help="start from an empty library and index")
    p.add_argument("--no-embed", action="store_true", help="parse and write clauses.jsonl only")
    p.add_argument("--quiet", action="store_true", help="no progress output")

    p = add("library", cmd_library, "List the documents in the library with their metadata.")
    p.add_argument("--json", action="store_true", help="one JSON object per document")

    p = add("remove", cmd_remove, "Remove one document (by file name) from the library and re-index.")
    p.add_argument("name")
    p.add_argument("--quiet", action="store_true")

    add("models", cmd_models, "Show the embedding model: what is installed and where.")

    p = add("search", cmd_search, "Retrieve the clauses that best match a query, with scores.")
    p.add_argument("query")
    p.add_argument("--k", type=int, default=5, help="how many clauses (default 5)")
    p.add_argument("--doc", action="append", help="restrict to a document (file name or alias); repeatable")
    p.add_argument("--json", action="store_true", help="print JSON")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``policyqa`` console command."""
    args = build_parser().parse_args(argv)
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
