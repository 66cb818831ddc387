"""Saved web pages built around corpus text: only the content comes back, one line per block."""
from __future__ import annotations

from pathlib import Path

import pytest

from policyqa.errors import UnreadableDocument
from policyqa.ingest.readers import read_source

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
PLAN = read_source(CORPUS / "beijing-curriculum-reform-plan.txt").lines

CHROME = """<header><div class="logo">某某教育网</div><div>登录 | 注册</div></header>
<nav><a href="/">首页</a> <a href="/news">新闻资讯</a> <a href="/policy">政策法规</a></nav>
<div class="crumb">当前位置：首页 &gt; 新闻资讯 &gt; 教育资讯</div>"""
SIDEBAR = '<div class="side"><h3>热点新闻</h3><ul><li><a>暑期安全提示</a></li><li><a>招生简章</a></li></ul></div>'
FOOTER = """<aside>相关阅读：<a>某某文件解读</a></aside>
<footer><p>版权所有 © 2024 某某公司</p><p>京ICP备12345678号</p></footer>
<script>var views = 822; document.write("浏览次数：" + views);</script>"""


def page(content: str, charset: str = "utf-8") -> str:
    return (f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{PLAN[0]} - 教育资讯 - 某某公司</title>'
            f"<style>p {{ text-indent: 2em }}</style><script>track('首页')</script></head><body>"
            f"{CHROME}<div class=\"wrap\">{SIDEBAR}{content}</div>{FOOTER}</body></html>")


def paragraphs(lines) -> str:
    return "".join(f"<p>{line}</p>" for line in lines)


def write(tmp_path: Path, name: str, html: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(html.encode(encoding))
    return path


def test_article_page_gives_only_the_content(tmp_path):
    html = page(f"<article><h1>{PLAN[0]}</h1>{paragraphs(PLAN[1:])}<p>【打印】【关闭】</p></article>")
    doc = read_source(write(tmp_path, "plan.html", html))
    assert doc.lines == PLAN
    assert doc.encoding == "utf-8"


def test_largest_text_block_without_article_tag(tmp_path):
    html = page(f'<div class="content">{paragraphs(PLAN)}</div>')
    assert read_source(write(tmp_path, "plan.htm", html)).lines == PLAN


def test_content_split_over_sibling_divs(tmp_path):
    half = len(PLAN) // 2
    html = page(f'<div class="content"><div>{paragraphs(PLAN[:half])}</div><div>{paragraphs(PLAN[half:])}</div></div>')
    assert read_source(write(tmp_path, "split.html", html)).lines == PLAN


def test_short_signature_next_to_a_long_paragraph_is_kept(tmp_path):
    long_paragraph = "".join(PLAN[2:40])
    html = page(f'<div class="content"><div>{long_paragraph}</div><div>北京市教育委员会</div>'
                f"<div>2024年8月26日</div></div>")
    lines = read_source(write(tmp_path, "signed.html", html)).lines
    assert lines == (long_paragraph, "北京市教育委员会", "2024年8月26日")


def test_title_outside_the_content_block_is_kept_first(tmp_path):
    html = page(f'<h1>{PLAN[0]}</h1><div class="info">2024-08-14 | 822|</div>'
                f'<div class="content">{paragraphs(PLAN[1:])}</div>')
    assert read_source(write(tmp_path, "titled.html", html)).lines == PLAN


def test_old_table_layout_with_line_breaks_and_gbk(tmp_path):
    html = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>'
            '<table><tr><td><a href="/">首页</a></td></tr><tr><td>' + "<br>".join(PLAN)
            + "</td></tr></table></body></html>")
    doc = read_source(write(tmp_path, "old.htm", html, encoding="gb18030"))
    assert doc.lines == PLAN
    assert doc.encoding == "gb18030"


def test_data_table_rows_become_lines(tmp_path):
    html = page('<article><p>附件：任务分工</p><table><tr><th>序号</th><th>任务</th><th>责任单位</th></tr>'
                '<tr><td>1</td><td>高质量实施国家课程方案</td><td>市教委</td></tr></table></article>')
    assert read_source(write(tmp_path, "table.html", html)).lines == (
        "附件：任务分工", "序号 | 任务 | 责任单位", "1 | 高质量实施国家课程方案 | 市教委")


def test_page_without_content_is_unreadable(tmp_path):
    html = "<html><head><script>var a = 1;</script></head><body><nav><a>首页</a></nav></body></html>"
    with pytest.raises(UnreadableDocument, match="empty.html.*没有文字"):
        read_source(write(tmp_path, "empty.html", html))
