"""The ``policyqa`` command: a thin layer that parses arguments, calls the Python API and prints.

Domain errors become one line on stderr and a non-zero exit code; nothing else is caught.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from policyqa.config import Config
from policyqa.errors import PolicyQAError

EXIT_SKIPPED = 3  # ingest finished but some files were skipped


def _config(args: argparse.Namespace) -> Config:
    try:
        return Config.load(index_dir=getattr(args, "index", None), store=getattr(args, "store", None))
    except ValueError as err:   # a bad POLICYQA_* value: one line naming it and the valid ones
        raise PolicyQAError(str(err)) from None


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
    """Remove a document from the library and re-index; print what was removed (file, title,
    clauses) and, in one line, what the library holds now."""
    from policyqa.index.library_view import load_documents
    from policyqa.index.service import remove_and_reindex
    from policyqa.ingest.pipeline import safe_name, shown_name
    config = _config(args)
    name = safe_name(args.name)   # the name the library stores the file under
    removed = next((rec for rec in load_documents(config.index_dir) if rec["doc"] == name), None)
    result = remove_and_reindex(config, args.name, progress=not args.quiet)
    if removed is None:           # a stored file that could not be read has no record and no clauses
        print(f"已移除 {shown_name(name)}（该文件未能读取，没有条款）。")
    else:
        title = f"《{removed['title']}》" if removed.get("title") else "（未识别标题）"
        print(f"已移除 {shown_name(name)}{title}，条款 {removed.get('clauses', 0)}。")
    documents, failures = result.report.documents, result.report.failures
    unread = f"，另有 {len(failures)} 份无法读取" if failures else ""
    print(f"文库现有 {len(documents)} 份文件，共 {sum(len(d.clauses) for d in documents)} 条条款{unread}；索引已更新。")
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
    report as JSON, Markdown and HTML into ``--out`` or, like the page, a new folder named by the
    time under ``config.reports_dir``; print the summary table and where the report went."""
    from policyqa.evals.gold import BUNDLED_GOLD
    from policyqa.evals.report_files import new_report_folder, write_reports
    from policyqa.evals.report_text import summary_table
    from policyqa.evals.suite import EvalOptions, run_eval
    config = _config(args)
    options = EvalOptions(gold=Path(args.gold) if args.gold else BUNDLED_GOLD, baselines=args.baselines,
                          quick=args.quick, answers=Path(args.answers) if args.answers else None)
    report = run_eval(config, options, progress=not args.quiet)
    out = Path(args.out) if args.out else new_report_folder(config.reports_dir)
    paths = write_reports(report, out)
    print(summary_table(report))
    print(f"报告已写入 {out}（{'、'.join(path.name for path in paths.values())}）", file=sys.stderr)
    return 0


_WIDE = "\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6"
_OPENING, _CLOSING = "（《“「『【", "，。、；：）》”」』】！？"
# A `command` (kept whole to copy), a wide character, or a run of narrow ones (each with the
# brackets and punctuation that must stay beside it), or a space: the units a help line breaks between.
_UNIT = re.compile(rf"[{_OPENING}]*(?:`[^`]*`|[{_WIDE}]|[^\s{_WIDE}`]+)[{_CLOSING}]*|\s+")


def _columns(text: str) -> int:
    """Terminal columns ``text`` takes: two for a wide (CJK) character, one otherwise."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrap_wide(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` columns, broken at spaces or between Chinese characters
    (argparse's textwrap breaks only at spaces and counts a Chinese character as one column)."""
    lines, line, space = [], "", False
    for unit in _UNIT.findall(" ".join(text.split())):
        if unit.isspace():
            space = True
            continue
        joined = line + (" " if space and line else "") + unit
        if line and _columns(joined) > width:
            lines.append(line)
            joined = unit
        line, space = joined, False
    return lines + [line] if line else lines


class _ChineseHelpFormatter(argparse.HelpFormatter):
    """argparse's help layout with the usage prefix in Chinese and Chinese text wrapped by columns."""

    def add_usage(self, usage, actions, groups, prefix=None) -> None:
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)

    def _format_usage(self, usage, actions, groups, prefix) -> str:
        # laid out behind spaces as wide as the prefix, so wrapping and indents count its columns
        shown = super()._format_usage(usage, actions, groups, " " * _columns(prefix))
        return prefix + shown[_columns(prefix):]

    def _split_lines(self, text: str, width: int) -> list[str]:
        return wrap_wide(text, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(indent + line for line in wrap_wide(text, width - len(indent)))


_ARGPARSE_ERRORS = (
    (r"the following arguments are required: (.+)", "缺少必需的参数：{0}"),
    (r"unrecognized arguments: (.+)", "无法识别的参数：{0}"),
    (r"argument (.+?): invalid choice: (.+?) \(choose from (.+)\)", "参数 {0}：无效的选项 {1}（可选：{2}）"),
    (r"argument (.+?): expected one argument", "参数 {0}：需要给出一个值"),
    (r"argument (.+?): expected at least one argument", "参数 {0}：至少需要给出一个值"),
    (r"argument (.+?): invalid (\w+) value: (.+)", "参数 {0}：{2} 不是有效的 {1} 值"),
    (r"argument (.+?): not allowed with argument (.+)", "参数 {0} 不能与 {1} 同时使用"),
    (r"one of the arguments (.+) is required", "需要以下参数之一：{0}"),
    (r"ambiguous option: (.+?) could match (.+)", "选项 {0} 有歧义，可能是：{1}"),
)
"""argparse's own error messages (Python 3.11), each with its Chinese wording."""


def chinese_error(message: str) -> str:
    """argparse's English error ``message`` in Chinese (unchanged when it is not one of them)."""
    for pattern, wording in _ARGPARSE_ERRORS:
        if m := re.fullmatch(pattern, message):
            return wording.format(*m.groups())
    return message


class ChineseArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose own help words (usage prefix, section titles, ``-h``) and error
    lines are Chinese, like every help text of the command; sub-commands inherit it through
    ``add_parser``."""

    def error(self, message: str) -> NoReturn:
        """Print the usage and the error in Chinese to stderr, then exit with code 2."""
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：错误：{chinese_error(message)}\n")

    def __init__(self, *args, add_help: bool = True, **kwargs) -> None:
        kwargs.setdefault("formatter_class", _ChineseHelpFormatter)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = "位置参数"
        self._optionals.title = "选项"
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="显示本帮助并退出")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``policyqa`` command (every help text in Chinese)."""
    parser = ChineseArgumentParser(prog="policyqa", description="基础教育政策问答：按条款检索并引用原文。")
    sub = parser.add_subparsers(dest="command", required=True, title="命令", metavar="命令",
                                help="运行 `policyqa <命令> -h` 查看该命令的用法")

    def add(name: str, func: Callable[[argparse.Namespace], int], help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--index", help="索引文件夹（默认 $POLICYQA_INDEX；未设置时为 $POLICYQA_HOME/index，"
                            "即 ~/.local/share/policyqa/index）")
        p.add_argument("--verbose", action="store_true",
                       help="在标准错误输出（stderr）上显示加载了什么（后端、模型、索引）、各用时多久，以及所用库的警告")
        p.set_defaults(func=func)
        return p

    _library_commands(add)
    _question_commands(add)
    from policyqa.relevance_cli import add_commands
    from policyqa.users_cli import add_user_command
    add_user_command(add)
    add_commands(sub)
    return parser


def _library_commands(add) -> None:
    """ingest, library, remove, models: building and inspecting the library."""
    p = add("ingest", cmd_ingest, "把文档（.txt .md .docx .pdf .html .htm）加入文库并增量建立索引。"
            "不给路径时导入随附语料；有文件被跳过时退出码为 3（每个被跳过的文件在 stderr 上一行说明）。")
    p.add_argument("paths", nargs="*", metavar="PATH", help="要加入文库的文件或文件夹（可给多个）")
    p.add_argument("--rebuild", action="store_true",
                   help="重新解析并重新嵌入文库中的每份文档，不复用旧索引的任何内容"
                        "（用于修复损坏的索引或换了模型的索引；已加入的文档保留）")
    p.add_argument("--reset", action="store_true",
                   help="从空文库开始：只保留本次给出的路径（不给路径时为随附语料）")
    p.add_argument("--no-embed", action="store_true",
                   help="只解析并写出 clauses.jsonl，不建向量索引（文件夹中已有向量时拒绝执行）")
    p.add_argument("--quiet", action="store_true", help="不显示进度")
    p.add_argument("--store", choices=("faiss", "milvus"), default=None,
                   help="向量与 BM25 存放处（默认 $POLICYQA_STORE，未设置时为 faiss）：faiss 为索引文件夹中的文件，"
                        "milvus 为 $POLICYQA_MILVUS_URI 上的集合；从 FAISS 迁到 Milvus 时已有向量不重新嵌入（docs/milvus.md）")

    p = add("library", cmd_library, "列出文库中的文档及其元数据（标题、文号、日期、级别、地区、类型、状态、条款数），可按条件筛选。")
    p.add_argument("--json", action="store_true", help="每份文档输出一行 JSON 对象")
    p.add_argument("--level", default="", help="按级别筛选：national（国家）、provincial（省级）、municipal（市级）或 district（区县）")
    p.add_argument("--region", default="", help="按地区名称的一部分筛选（如 河南、苏州市）")
    p.add_argument("--kind", default="", help="按类型筛选：law（法律法规）、opinion（意见）、plan（方案）、notice（通知）、"
                        "repost（转载）或 other（其他）")
    p.add_argument("--year", default="", help="按文档日期的年份筛选（四位数字，如 2016）")
    p.add_argument("--status", default="", help="按状态筛选：in_force（现行）、superseded（已被修订的旧版本）、copy（副本）或 repost（转载）")
    p.add_argument("--title", default="", help="按标题或文件名的一部分筛选（如 美育）")
    p.add_argument("--form", default="", help="按法律形式筛选：法律、行政法规、地方性法规、规章或规范性文件")

    p = add("remove", cmd_remove, "从文库中移除一份文档（按文件名）并重建索引，报告移除了什么、文库现有多少。")
    p.add_argument("name", metavar="NAME", help="要移除的文档的文件名（即 `policyqa library` 输出的第一列）")
    p.add_argument("--quiet", action="store_true", help="不显示重建索引的进度")

    add("models", cmd_models, "显示嵌入模型和相关性模型：安装了什么、放在哪里、是否已构建。")


def _question_commands(add) -> None:
    """ask, serve, search, eval: asking the library and measuring the answers."""
    p = add("ask", cmd_ask, "根据文库中的文档回答问题，并引用所依据的条款（文档中没有依据时如实说明）。"
            "批量：--batch IN.jsonl --out OUT.jsonl。")
    p.add_argument("question", nargs="?", metavar="QUESTION", help="要问的问题（使用 --batch 时省略）")
    p.add_argument("--doc", action="append", help="只在这份文档中查找（文件名或别名）；可重复给出")
    p.add_argument("--json", action="store_true", help="以一个 JSON 对象输出回答（与批量输出每行的格式相同）")
    p.add_argument("--batch", metavar="IN.jsonl", help="批量提问的 JSONL 文件，每行一个 {\"id\", \"question\"}")
    p.add_argument("--out", metavar="OUT.jsonl", help="批量回答写入的文件（使用 --batch 时必须给出）")

    p = add("serve", cmd_serve, "启动网页（问答、合规检查、对比、文库、评测）和供 gradio_client 调用的问答接口；"
            "缺少模型或索引时先构建，运行到按 Ctrl+C 为止。")
    p.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1：仅本机可访问）")
    p.add_argument("--port", type=int, default=7860, help="端口（默认 7860）")

    p = add("search", cmd_search, "检索与查询最匹配的条款，显示分数和找到它的途径（只检索，不生成回答）。")
    p.add_argument("query", metavar="QUERY", help="要检索的文字")
    p.add_argument("--k", type=int, default=5, help="返回多少条条款（默认 5）")
    p.add_argument("--doc", action="append", help="只在这份文档中查找（文件名或别名）；可重复给出")
    p.add_argument("--json", action="store_true", help="每条结果输出一行 JSON 对象")

    p = add("eval", cmd_eval, "在金标问题集（默认为随附的一套）上评测回答的忠实度：打印汇总表，"
            "并写出 report.json、report.md 和 report.html。")
    p.add_argument("--gold", metavar="FILE", help="金标 JSONL 文件（格式见 docs/gold-format.md）")
    p.add_argument("--out", metavar="DIR", help="报告文件夹（默认：在 $POLICYQA_HOME/eval-reports 下按运行时间新建，"
                   "如 20261206-193000，与网页评测共用；未设置 POLICYQA_HOME 时为 ~/.local/share/policyqa）")
    p.add_argument("--baselines", action="store_true", help="同时评测两个基线：仅 BM25 检索，以及 llama-index 默认设置")
    p.add_argument("--quick", action="store_true", help="只评测 30 个问题的子集（覆盖每种题型）")
    p.add_argument("--answers", metavar="BATCH.jsonl", help="评测这份 `policyqa ask --batch` 的输出，而不是现场向助手提问")
    p.add_argument("--quiet", action="store_true", help="不显示进度条")


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
