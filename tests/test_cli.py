"""The ``policyqa`` command: exit codes, what goes to stdout and the one-line errors on stderr."""
from __future__ import annotations

import argparse
import io
import json
import re
import shutil
import unicodedata
from pathlib import Path

import pytest

from policyqa.cli import EXIT_SKIPPED, build_parser, main

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
GOOD = "teachers-law.txt"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    """Keep the user's settings out: no index, corpus or embedder from the environment."""
    for name in ("POLICYQA_INDEX", "POLICYQA_HOME", "POLICYQA_EMBEDDER", "POLICYQA_CORPUS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("POLICYQA_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@pytest.fixture()
def folder(tmp_path) -> Path:
    """One good document and one that is not a document (a binary file named .txt)."""
    src = tmp_path / "src"
    src.mkdir()
    shutil.copyfile(CORPUS / GOOD, src / GOOD)
    (src / "broken.txt").write_bytes(bytes(range(256)) * 8)
    return src


def ingest(index: Path, *paths: Path) -> int:
    return main(["ingest", "--index", str(index), "--no-embed", "--quiet", *map(str, paths)])


def test_ingest_with_a_bad_file_exits_3_and_names_it(folder, tmp_path, capsys):
    index = tmp_path / "index"
    assert ingest(index, folder) == EXIT_SKIPPED == 3
    out, err = capsys.readouterr()
    skipped = [ln for ln in err.splitlines() if ln.startswith("跳过")]
    assert len(skipped) == 1
    assert skipped[0].startswith("跳过 broken.txt：")
    assert GOOD in out and "跳过 1 份" in out
    assert "未建向量索引" in out
    assert sorted(p.name for p in (index / "sources").iterdir()) == [GOOD]


def _law_lines(count: int = 12) -> list[str]:
    return [ln for ln in (CORPUS / GOOD).read_text(encoding="utf-8").splitlines() if ln.strip()][:count]


def _law_pdf() -> bytes:
    """The first lines of the Teachers Law typeset as a real PDF (reportlab's built-in Chinese font)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.setFont("STSong-Light", 10)
    for n, line in enumerate(_law_lines()):
        page.drawString(40, 790 - 16 * n, line[:50])
    page.save()
    return buffer.getvalue()


def _law_docx() -> bytes:
    """The same lines as a real .docx."""
    import docx

    document = docx.Document()
    for line in _law_lines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "make", "fragment"), [("broken.pdf", _law_pdf, "PDF"),
                                                        ("broken.docx", _law_docx, ".docx")])
def test_a_truncated_file_is_skipped_with_a_plain_chinese_reason(name, make, fragment, tmp_path, capsys):
    whole = make()
    good = tmp_path / "src" / ("whole" + Path(name).suffix)
    good.parent.mkdir()
    good.write_bytes(whole)
    (tmp_path / "src" / name).write_bytes(whole[: len(whole) // 2])   # a download cut off halfway
    assert ingest(tmp_path / "index", tmp_path / "src") == EXIT_SKIPPED
    out, err = capsys.readouterr()
    assert good.name in out                                              # the whole file still reads
    (line,) = err.splitlines()
    assert line.startswith(f"跳过 {name}：")
    reason = line.removeprefix(f"跳过 {name}：")
    assert fragment in reason and "重新" in reason                      # what is wrong, what to do
    assert not {w for w in re.findall(r"[A-Za-z]{2,}", reason) if w not in ("PDF", "Word", "docx", "doc")}


def test_ingest_of_good_files_exits_0(tmp_path, capsys):
    assert ingest(tmp_path / "index", CORPUS / GOOD) == 0
    _, err = capsys.readouterr()
    assert err == ""


def test_library_lists_the_documents(folder, tmp_path, capsys):
    index = tmp_path / "index"
    ingest(index, folder)
    ingest(index, CORPUS / "beijing-curriculum-reform-plan.txt")
    capsys.readouterr()
    assert main(["library", "--index", str(index)]) == 0
    rows = [ln.split("\t") for ln in capsys.readouterr().out.splitlines()]
    assert [r[0] for r in rows] == ["beijing-curriculum-reform-plan.txt", GOOD]
    assert rows[1][1] == "中华人民共和国教师法"
    assert rows[0][2:4] == ["-", "-"]  # the Beijing plan prints no 文号 and no date
    assert rows[1][-1] == "条款 45"


def test_library_json(folder, tmp_path, capsys):
    index = tmp_path / "index"
    ingest(index, folder)
    capsys.readouterr()
    assert main(["library", "--index", str(index), "--json"]) == 0
    (rec,) = [json.loads(ln) for ln in capsys.readouterr().out.splitlines()]
    assert rec["doc"] == GOOD and rec["kind"] == "law" and rec["adopted"] == "1993-10-31"


def test_library_without_an_index_is_one_line_error(tmp_path, capsys):
    assert main(["library", "--index", str(tmp_path / "empty")]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("错误：") and err.count("\n") == 1 and "policyqa ingest" in err


def test_search_without_an_index_is_one_line_error(tmp_path, capsys):
    assert main(["search", "教师待遇", "--index", str(tmp_path / "empty")]) == 2
    _, err = capsys.readouterr()
    assert err.startswith("错误：") and err.count("\n") == 1


@pytest.mark.model
def test_search_with_an_unknown_document_is_one_line_error(e5_model_dir, tmp_path, capsys, monkeypatch):
    from policyqa.config import Config
    from policyqa.index.embedder import SentenceTransformerEmbedder
    from policyqa.index.service import ingest_and_index

    monkeypatch.setenv("POLICYQA_CACHE", str(e5_model_dir.parent))
    index = tmp_path / "index"
    ingest_and_index(Config.load(index_dir=index), [CORPUS / GOOD],
                     embedder=SentenceTransformerEmbedder(e5_model_dir))
    capsys.readouterr()
    assert main(["search", "教师待遇", "--index", str(index), "--doc", "北京方按"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("错误：") and err.count("\n") == 1
    assert "北京方按" in err and "教师法" in err


def _parsers(parser: argparse.ArgumentParser, name: str = "policyqa"):
    """The command and every sub-command and step below it, each with its name."""
    yield name, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub_name, sub in action.choices.items():
                yield from _parsers(sub, f"{name} {sub_name}")


PARSERS = dict(_parsers(build_parser()))
CJK = re.compile(r"[\u4e00-\u9fff]")


def english_prose(text: str) -> list[str]:
    """Runs of two or more English words in a row (``code`` spans aside). A lone word is a name
    (stderr, BM25, national); option names, file names and paths contain - . / _ $ and are no words."""
    runs, run = [], []
    for token in re.sub(r"`[^`]*`", " ", text).split() + [""]:
        if re.fullmatch(r"[A-Za-z]+[,.;:]?", token):
            run.append(token)
            continue
        if len(run) > 1:
            runs.append(" ".join(run))
        run = []
    return runs


def test_the_prose_check_catches_english_and_lets_names_through():
    assert english_prose("no progress output") == ["no progress output"]
    assert english_prose("按级别筛选：national、provincial or district") == ["or district"]
    assert english_prose("options:\n  -h, --help  show this help message and exit") == [
        "show this help message and exit"]
    assert english_prose("在 stderr 上显示；--batch IN.jsonl --out OUT.jsonl；见 `policyqa ask --batch`") == []


@pytest.mark.parametrize("name", PARSERS)
def test_every_argument_has_chinese_help(name):
    parser = PARSERS[name]
    assert CJK.search(parser.description or ""), f"{name}: no Chinese description"
    for action in parser._actions:
        helps = [action.help] + [a.help for a in getattr(action, "_choices_actions", ())]
        for text in helps:
            assert text and CJK.search(text), f"{name} {action.option_strings or action.dest}: {text!r}"
            assert not english_prose(text), f"{name} {action.option_strings or action.dest}: {text!r}"


@pytest.mark.parametrize("name", PARSERS)
def test_the_rendered_help_is_chinese_apart_from_names(name, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    text = PARSERS[name].format_help()
    usage, _, body = text.partition("\n\n")
    assert usage.startswith("用法：")
    # argparse sets an option and its help two or more spaces apart, so each such part is read alone
    parts = [part for line in body.splitlines() for part in re.split(r"\s{2,}", line)]
    assert not [run for part in parts for run in english_prose(part)], body
    headings = [ln for ln in body.splitlines() if re.fullmatch(r"\S.*:", ln)]
    assert headings and all(CJK.search(h) for h in headings), headings


def test_help_lines_fit_the_terminal(monkeypatch):
    from policyqa.cli import wrap_wide

    monkeypatch.setenv("COLUMNS", "80")
    for text in (p.format_help() for p in PARSERS.values()):
        for line in text.splitlines():
            assert sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line) <= 80, line
    assert wrap_wide("按标题或文件名的一部分筛选（如 美育）", 12) == ["按标题或文件", "名的一部分筛", "选（如 美", "育）"]
    assert wrap_wide("运行 `policyqa <命令> -h` 查看", 12) == ["运行", "`policyqa <命令> -h`", "查看"]


@pytest.fixture()
def recorded_answers(tmp_path) -> Path:
    """The bundled gold answers of the quick subset, recorded as a `policyqa ask --batch` file."""
    from policyqa.evals.gold import BUNDLED_GOLD, load_gold
    from policyqa.evals.suite import quick_subset

    lines = [{"id": i.id, "question": i.question, "answer": i.answer, "abstained": not i.answerable,
              "citations": [{"doc": e.doc, "text": e.quote} for e in i.evidence]}
             for i in quick_subset(load_gold(BUNDLED_GOLD))]
    path = tmp_path / "answers.jsonl"
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    return path


def test_eval_writes_its_report_under_the_reports_folder_and_says_where(recorded_answers, tmp_path, capsys,
                                                                        monkeypatch):
    from policyqa.config import Config

    monkeypatch.chdir(tmp_path)
    assert main(["eval", "--quick", "--quiet", "--answers", str(recorded_answers)]) == 0
    out, err = capsys.readouterr()
    (folder,) = Config.load().reports_dir.iterdir()
    assert Config.load().reports_dir == tmp_path / "home" / "eval-reports"
    assert re.fullmatch(r"20\d{6}-\d{6}", folder.name)
    assert sorted(p.name for p in folder.iterdir()) == ["report.html", "report.json", "report.md"]
    assert err.splitlines() == [f"报告已写入 {folder}（report.json、report.md、report.html）"]
    assert "| answers: answers.jsonl |" in out
    assert not (tmp_path / "eval-report").exists()


def test_eval_out_puts_the_report_there(recorded_answers, tmp_path, capsys):
    from policyqa.config import Config

    assert main(["eval", "--quick", "--quiet", "--answers", str(recorded_answers), "--out", str(tmp_path / "r")]) == 0
    assert f"报告已写入 {tmp_path / 'r'}" in capsys.readouterr().err
    assert (tmp_path / "r" / "report.html").is_file()
    assert not Config.load().reports_dir.exists()


@pytest.mark.model
def test_remove_says_what_it_removed_and_what_the_library_holds(e5_model_dir, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("POLICYQA_CACHE", str(e5_model_dir.parent))
    monkeypatch.setenv("POLICYQA_BACKEND", "torch")   # no ONNX export needed for a small test index
    index = tmp_path / "index"
    plan = "beijing-curriculum-reform-plan.txt"
    assert main(["ingest", "--index", str(index), "--quiet", str(CORPUS / GOOD), str(CORPUS / plan)]) == 0
    capsys.readouterr()
    main(["library", "--index", str(index), "--json"])
    clauses = {rec["doc"]: rec["clauses"] for rec in map(json.loads, capsys.readouterr().out.splitlines())}

    assert main(["remove", "--index", str(index), "--quiet", GOOD]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [f"已移除 {GOOD}《中华人民共和国教师法》，条款 {clauses[GOOD]}。",
                                f"文库现有 1 份文件，共 {clauses[plan]} 条条款；索引已更新。"]
    assert clauses[GOOD] == 45 and err == ""              # --quiet: no progress
    main(["library", "--index", str(index)])
    assert [ln.split("\t")[0] for ln in capsys.readouterr().out.splitlines()] == [plan]

    assert main(["remove", "--index", str(index), "--quiet", GOOD]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and GOOD in err and plan in err


@pytest.mark.parametrize("argv, expected", [
    (["nosuch"], "policyqa：错误：参数 命令：无效的选项 'nosuch'（可选：'ingest'"),
    (["library", "--bogus"], "policyqa：错误：无法识别的参数：--bogus"),
    (["eval", "--gold"], "policyqa eval：错误：参数 --gold：需要给出一个值"),
    ([], "policyqa：错误：缺少必需的参数：命令"),
])
def test_argument_errors_are_one_chinese_line_after_the_usage(argv, expected, capsys):
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[0].startswith("用法：") and lines[-1].startswith(expected)
    assert not re.search(r"error|argument|invalid|required", lines[-1])
