"""The served page driven in headless Chromium, as a teacher and an administrator would use it.

Screenshots of every tab go to ``$POLICYQA_SCREENSHOTS`` (default: the test's tmp folder) and are
copied to /tmp/pqa-shots.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import docx
import pytest
from playwright.sync_api import BrowserContext, Page, Route, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ANSWER_WAIT_MS = 180_000    # safety nets for a stuck page, not performance requirements
EVAL_WAIT_MS = 1_200_000
SHOTS_COPY = Path("/tmp/pqa-shots")
INJECTION = '<img src=x onerror="document.title=\'pwned\'"><script>document.title="pwned"</script>'


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    """Where the screenshots go."""
    folder = Path(os.environ.get("POLICYQA_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium (scripts/install_browser.sh) driven by Playwright."""
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _shot(page: Page, shots: Path, name: str, **options) -> None:
    path = shots / f"{name}.png"
    page.screenshot(path=str(path), **options)
    SHOTS_COPY.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SHOTS_COPY / path.name)


def _clauses(index_dir: Path) -> dict[tuple[str, str], dict]:
    lines = (index_dir / "clauses.jsonl").read_text(encoding="utf-8").splitlines()
    return {(r["title"], r["label"]): r for r in map(json.loads, lines)}


def _district_plan(folder: Path) -> Path:
    """A small district plan as a .docx, one clause carrying markup that must stay text."""
    document = docx.Document()
    for line in ("海淀区深化课程教学改革工作方案", "一、总体要求",
                 "以国家课程方案为依据，推进区域课程教学改革。", "二、重点任务",
                 "1.加强科学教育。各校应当开齐开足科学课程，配齐科学教师。",
                 f"2.规范作业管理。学校不得布置机械重复作业，作业示例{INJECTION}仅作文字展示。"):
        document.add_paragraph(line)
    path = folder / "haidian-plan.docx"
    document.save(path)
    return path


def _keep_local(context: BrowserContext) -> list[str]:
    """Abort every request to a host other than this machine; returns the list of those URLs."""
    outside: list[str] = []

    def guard(route: Route) -> None:
        if urlparse(route.request.url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    return outside


def _ask(page: Page, question: str) -> None:
    page.locator("#pqa-question textarea").fill(question)
    page.locator("#pqa-send").click()


def _answers(page: Page, count: int) -> None:
    """Wait until the chat shows ``count`` finished answers."""
    page.wait_for_function("n => document.querySelectorAll('#pqa-chat .pqa-answer:not(.pqa-streaming)').length >= n",
                           arg=count, timeout=ANSWER_WAIT_MS)


def _first_source(answer) -> tuple[str, str]:
    """The law named in an answer's first source card (…法 in its title) and the card's clause label."""
    card = answer.locator("details.pqa-card").first
    title = card.locator("summary").inner_text().split("《", 1)[1].split("》", 1)[0]
    return re.sub(r"^中华人民共和国", "", title), card.locator(".pqa-label").inner_text()


def _no_injection(page: Page) -> None:
    assert page.title() != "pwned"
    assert page.locator("#pqa-chat img[src='x'], #pqa-chat script").count() == 0


def _chat(page: Page, server, shots: Path) -> None:
    """An answer whose cards quote the source; [1] opens card 1; the card opens the document;
    the answer is copied with its sources."""
    _ask(page, "学校可以开除义务教育阶段的学生吗？")
    cards = page.locator("#pqa-chat details.pqa-card")
    cards.first.wait_for(timeout=ANSWER_WAIT_MS)
    sources = _clauses(server.index_dir)
    for i in range(cards.count()):
        card = cards.nth(i)
        title = card.locator("summary").inner_text().split("《", 1)[1].split("》", 1)[0]
        source = sources[(title, card.locator(".pqa-label").inner_text())]
        assert card.locator(".pqa-clause").text_content() == source["text"].replace("\n", "")
    assert "开除" in page.locator("#pqa-chat .pqa-clause mark").all_text_contents()[0]

    first = cards.first
    assert first.get_attribute("open") is None
    page.locator("#pqa-chat a.pqa-ref").first.click()
    page.wait_for_function("id => document.getElementById(id).open", arg=first.get_attribute("id"))

    with page.context.expect_page() as opened:
        first.locator("a.pqa-open").click()
    document = opened.value
    document.wait_for_load_state()
    focus = document.locator("section.clause.focus")
    assert focus.count() == 1 and focus.locator(".label").inner_text() == first.locator(".pqa-label").inner_text()
    _shot(document, shots, "document")
    document.close()

    page.locator("#pqa-copy").click()
    page.locator("#pqa-chat-status .pqa-ok", has_text="已复制").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "不得开除" in copied and "来源：\n[1] 《" in copied


def _feedback_and_follow_up(page: Page, server, shots: Path) -> None:
    """👍 is stored with the question; a follow-up is read with the earlier question; markup in a
    question stays text; an over-long question gets the limit in one line."""
    page.locator("#pqa-chat button[aria-label='赞']").first.click()
    page.locator("#pqa-chat-status .pqa-ok", has_text="感谢反馈").wait_for()
    feedback = [json.loads(line) for line in (server.home / "feedback.jsonl").read_text().splitlines()]
    assert feedback[-1]["rating"] == "up" and feedback[-1]["question"] == "学校可以开除义务教育阶段的学生吗？"

    _ask(page, "那未成年人保护法呢？")
    _answers(page, 2)
    follow_up = page.locator("#pqa-chat .pqa-answer").nth(1)
    assert "开除" in follow_up.locator(".pqa-effective").inner_text()
    assert _first_source(follow_up) == ("未成年人保护法", "第二十八条")   # 不得…开除、变相开除未成年学生
    # a third turn that points back (这条) and asks where it comes from: the clause just cited
    _ask(page, "这条是哪部法律的第几条？")
    _answers(page, 3)
    third = page.locator("#pqa-chat .pqa-answer").nth(2)
    assert "第二十八条" in third.locator(".pqa-effective").inner_text()
    assert _first_source(third) == ("未成年人保护法", "第二十八条")
    _shot(page, shots, "chat", full_page=True)

    _ask(page, f"{INJECTION}学校可以收取学费吗？")
    _answers(page, 4)
    _no_injection(page)

    _ask(page, "学校" * 300)
    refusal = page.locator("#pqa-chat .pqa-notice.pqa-error")
    refusal.wait_for(timeout=ANSWER_WAIT_MS)
    assert "500 字以内" in refusal.inner_text()
    _shot(page, shots, "chat-refusal", full_page=True)


def _compliance(page: Page, shots: Path) -> None:
    """A verdict badge and the deciding clause, open."""
    page.get_by_role("tab", name="合规判断").click()
    page.locator("#pqa-compliance-question textarea").fill("学校可以组织学生参加商业性活动吗？")
    page.locator("#pqa-compliance-go").click()
    badge = page.locator("#pqa-compliance-result .pqa-verdict")
    badge.wait_for(timeout=ANSWER_WAIT_MS)
    assert badge.inner_text() in ("禁止", "要求", "鼓励", "允许", "文件未规定")
    opened = page.locator("#pqa-compliance-result details.pqa-card[open]").count()
    if badge.inner_text() == "文件未规定":   # no sentence judged to decide it: related clauses, closed
        assert opened == 0 and page.locator("#pqa-compliance-result details.pqa-card").count() >= 1
    else:                                   # the deciding clause, open
        assert opened == 1
    _shot(page, shots, "compliance", full_page=True)


def _compare(page: Page, shots: Path) -> None:
    """The Beijing plan next to the national plan (the default pair) on one topic."""
    page.get_by_role("tab", name="文件对比").click()
    page.locator("#pqa-cmp-topic textarea").fill("科学教育")
    page.locator("#pqa-cmp-go").click()
    rows = page.locator("#pqa-cmp-result .pqa-cmp-row")
    rows.first.wait_for(timeout=ANSWER_WAIT_MS)
    assert rows.filter(has_text="加强科学类学科教学").count() >= 1
    assert page.locator("#pqa-cmp-finding").inner_text().startswith("两份文件都谈到“科学教育”")
    # a topic only the Beijing plan covers: the first line names the national plan as saying nothing
    page.locator("#pqa-cmp-topic textarea").fill("劳动教育")
    page.locator("#pqa-cmp-go").click()
    finding = page.locator("#pqa-cmp-finding", has_text="劳动教育")
    finding.wait_for(timeout=ANSWER_WAIT_MS)
    assert finding.inner_text().startswith("只有《北京市深化基础教育课程教学改革实施方案》谈到“劳动教育”")
    assert finding.inner_text().endswith("《基础教育课程教学改革深化行动方案》没有关于“劳动教育”的条款。")
    assert page.locator("#pqa-cmp-result .pqa-cmp-score", has_text=".").count() == 0   # no bare scores
    _shot(page, shots, "compare", full_page=True)


def _library(page: Page, shots: Path, folder: Path) -> None:
    """An uploaded .docx is listed, answers questions with its markup shown as text, and after a
    reload of the page is still in the table and in every document list."""
    page.get_by_role("tab", name="文库").click()
    page.locator("#pqa-upload input[type=file]").set_input_files(str(_district_plan(folder)))
    page.locator("#pqa-upload-go").click()
    page.locator("#pqa-library-report .pqa-ok").wait_for(timeout=ANSWER_WAIT_MS)
    assert "haidian-plan.docx" in page.locator("#pqa-library-report").inner_text()
    assert "haidian-plan.docx" in page.locator("#pqa-library-table").inner_text()
    _shot(page, shots, "library", full_page=True)

    page.get_by_role("tab", name="问答").click()
    _ask(page, "海淀区方案对作业管理有什么要求？")
    _answers(page, 5)
    _no_injection(page)

    page.reload()
    page.get_by_role("tab", name="文库").click()
    page.locator("#pqa-library-table", has_text="haidian-plan.docx").wait_for(timeout=ANSWER_WAIT_MS)
    for picker in ("#pqa-tree-doc", "#pqa-remove-doc", "#pqa-cmp-a", "#pqa-cmp-b", "#pqa-chat-docs"):
        assert _offers(page, picker, "haidian-plan.docx"), picker


def _offers(page: Page, dropdown: str, containing: str) -> bool:
    """Whether a Gradio dropdown lists an option containing ``containing`` (its tab is chosen and its
    accordion opened first, then closed again)."""
    tab, accordion = {"#pqa-cmp-a": ("文件对比", None), "#pqa-cmp-b": ("文件对比", None),
                      "#pqa-chat-docs": ("问答", "筛选文件 / 层级"), "#pqa-tree-doc": ("文库", "浏览条款"),
                      "#pqa-remove-doc": ("文库", "删除文件（管理员）")}[dropdown]
    page.get_by_role("tab", name=tab).click()
    if accordion:
        page.get_by_text(accordion, exact=True).click()
    page.locator(f"{dropdown} input").click()
    found = page.get_by_role("option", name=re.compile(re.escape(containing))).count() > 0
    page.keyboard.press("Escape")
    if accordion:
        page.get_by_text(accordion, exact=True).click()
    return found


def _ingested_from_the_cli(page: Page, server, folder: Path) -> None:
    """A document added with ``policyqa ingest`` while the page runs is answered without a restart."""
    plan = folder / "xicheng-reading-plan.txt"
    plan.write_text("西城区中小学阅读推广工作方案\n一、工作目标\n培养学生阅读习惯。\n二、主要措施\n"
                    "1.设立校园读书节。各校每年四月举办校园读书节，每名学生每学期至少精读两本整本书。\n",
                    encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "policyqa.cli", "ingest", str(plan)], env=server.env,
                          capture_output=True, text=True, timeout=ANSWER_WAIT_MS // 1000)
    assert done.returncode == 0, done.stderr
    page.get_by_role("tab", name="问答").click()
    page.locator("#pqa-question textarea").fill("西城区阅读推广方案规定校园读书节在几月举办？")
    page.locator("#pqa-send").click()
    latest = page.locator("#pqa-chat .pqa-answer").last
    latest.locator("details.pqa-card").first.wait_for(timeout=ANSWER_WAIT_MS)
    assert "西城区中小学阅读推广工作方案" in latest.locator("details.pqa-card summary").first.inner_text()
    page.get_by_role("tab", name="文库").click()
    page.locator("#pqa-library-table", has_text="xicheng-reading-plan.txt").wait_for(timeout=ANSWER_WAIT_MS)


def _choose(page: Page, dropdown: str, containing: str) -> None:
    """Pick the option of a Gradio dropdown whose label contains ``containing``."""
    page.locator(f"{dropdown} input").click()
    page.get_by_role("option", name=re.compile(re.escape(containing))).click()


def _browse_and_remove(page: Page, shots: Path) -> None:
    """The uploaded document's clause tree (markup as text), then its removal."""
    page.get_by_role("tab", name="文库").click()
    page.get_by_text("浏览条款", exact=True).click()
    _choose(page, "#pqa-tree-doc", "haidian-plan.docx")
    page.locator("#pqa-tree details.pqa-tree").first.wait_for(timeout=ANSWER_WAIT_MS)
    assert "1.加强科学教育" in page.locator("#pqa-tree").inner_text()
    assert page.locator("#pqa-tree script, #pqa-tree img").count() == 0
    _shot(page, shots, "library-tree", full_page=True)

    page.get_by_text("删除文件（管理员）", exact=True).click()
    _choose(page, "#pqa-remove-doc", "haidian-plan.docx")
    page.locator("#pqa-remove-confirm input").check()
    page.locator("#pqa-remove-go").click()
    page.locator("#pqa-library-report .pqa-ok", has_text="已删除").wait_for(timeout=ANSWER_WAIT_MS)
    assert "haidian-plan.docx" not in page.locator("#pqa-library-table").inner_text()


def _evaluation(page: Page, server, shots: Path) -> None:
    """The quick benchmark's report with its plots; the report files are kept under home."""
    page.get_by_role("tab", name="评测").click()
    page.locator("#pqa-eval-go").click()
    frame = page.frame_locator("#pqa-eval-report iframe")
    frame.locator("h1").wait_for(timeout=EVAL_WAIT_MS)
    assert frame.locator("svg").count() >= 2
    assert any((server.home / "eval-reports").glob("*/report.html"))
    _shot(page, shots, "eval", full_page=True)


TABS = ("问答", "合规判断", "文件对比", "文库", "评测")


def _phone(browser, server, shots: Path) -> list[str]:
    """At phone width every tab is reachable without a menu and fits the screen, the chat has no
    label floating over the answer, and the library lists titles; returns any off-machine requests."""
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    outside = _keep_local(phone)
    small = phone.new_page()
    small.goto(server.url)
    _ask(small, "义务教育法第二十七条规定了什么？")
    small.locator("#pqa-chat details.pqa-card").first.wait_for(timeout=ANSWER_WAIT_MS)
    assert small.locator("#pqa-chat [data-testid=block-label]").count() == 0
    assert small.locator(".overflow-menu:visible").count() == 0          # no ••• menu
    for name in TABS:
        tab = small.get_by_role("tab", name=name)
        assert tab.is_visible(), name
        tab.click()
        small.wait_for_timeout(300)     # let the tab render before the screenshot
        assert small.evaluate("document.documentElement.scrollWidth") <= 390 + 1, name
        _shot(small, shots, f"phone-{TABS.index(name)}", full_page=True)
    small.get_by_role("tab", name="文库").click()
    first_row = small.locator("#pqa-library-table tbody tr").first
    assert first_row.locator("td.pqa-c-title").is_visible() and not first_row.locator("td.pqa-c-region").is_visible()
    phone.close()
    return outside


@pytest.mark.browser
@pytest.mark.model
def test_a_teacher_and_an_administrator_use_every_tab(server, browser, shots, tmp_path):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    outside = _keep_local(context)
    page = context.new_page()
    page.goto(server.url)
    _chat(page, server, shots)
    _feedback_and_follow_up(page, server, shots)
    _compliance(page, shots)
    _compare(page, shots)
    _library(page, shots, tmp_path)
    _browse_and_remove(page, shots)
    _ingested_from_the_cli(page, server, tmp_path)
    _evaluation(page, server, shots)
    context.close()
    outside += _phone(browser, server, shots)
    assert outside == []      # the page works offline: nothing was fetched from another host
