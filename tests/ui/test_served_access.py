"""``policyqa serve`` beyond this machine: it needs accounts; the API enforces the page's roles."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from gradio_client import Client, handle_file

from policyqa.access import Role, Users
from policyqa.launch import free_port, start_serve, stop_serve

ADMIN, READER = ("校长", "correct horse"), ("王老师", "battery staple")
PLAN = """某区课后服务工作方案
一、总体要求
坚持学生自愿参加，不得强制学生参加课后服务。
二、主要措施
1.丰富服务内容。学校应当开展阅读、体育、艺术、科普等活动。
"""


def _env(root: Path, index_dir: Path, model_dir: Path) -> dict[str, str]:
    return {**os.environ, "POLICYQA_INDEX": str(index_dir), "POLICYQA_HOME": str(root / "home"),
            "POLICYQA_USERS": str(root / "users.json"), "POLICYQA_CACHE": str(model_dir.parent),
            "POLICYQA_EMBEDDER": "e5", "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False"}


def test_serving_on_the_network_without_accounts_exits_with_one_line(tmp_path):
    env = {**os.environ, "POLICYQA_HOME": str(tmp_path), "POLICYQA_USERS": str(tmp_path / "none.json")}
    done = subprocess.run([sys.executable, "-m", "policyqa.cli", "serve", "--host", "0.0.0.0",
                           "--port", str(free_port())], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "policyqa user add" in lines[0] and "0.0.0.0" in lines[0]
    assert "Traceback" not in done.stderr


@pytest.fixture(scope="module")
def guarded(tmp_path_factory, e5_corpus_index, e5_model_dir):
    """``policyqa serve --host 0.0.0.0`` with an administrator and a reader, on a copy of the index."""
    root = tmp_path_factory.mktemp("guarded")
    index_dir = root / "index"
    shutil.copytree(e5_corpus_index.index_dir, index_dir)
    Users().with_user(*ADMIN[:1], Role.ADMIN, ADMIN[1]).with_user(READER[0], Role.READER, READER[1]) \
        .save(root / "users.json")
    process, url = start_serve(_env(root, index_dir, e5_model_dir), root / "serve.log", host="0.0.0.0")
    try:
        yield url, index_dir, root
    finally:
        stop_serve(process)


def _library(index_dir: Path) -> set[str]:
    lines = (index_dir / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    return {json.loads(line)["doc"] for line in lines}


def _login(url: str, name: str, password: str) -> int:
    data = urllib.parse.urlencode({"username": name, "password": password}).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(url + "login", data=data), timeout=60) as reply:
            return reply.status
    except urllib.error.HTTPError as err:
        return err.code


@pytest.mark.model
def test_a_reader_asks_but_cannot_change_the_library(guarded):
    url, index_dir, _ = guarded
    before = _library(index_dir)
    reader = Client(url, auth=READER, verbose=False)
    record = reader.predict("学校可以开除义务教育阶段的学生吗？", api_name="/ask")
    assert record["citations"]
    report = reader.predict(sorted(before)[0], True, api_name="/remove")[0]
    assert "只有管理员" in report and "王老师" in report
    assert _library(index_dir) == before


@pytest.mark.model
def test_an_administrator_uploads_and_removes(guarded, tmp_path):
    url, index_dir, _ = guarded
    plan = tmp_path / "after-school.txt"
    plan.write_text(PLAN, encoding="utf-8")
    admin = Client(url, auth=ADMIN, verbose=False)
    report = admin.predict([handle_file(str(plan))], api_name="/upload")[0]
    assert "✓" in report and "after-school.txt" in _library(index_dir)
    report = admin.predict("after-school.txt", True, api_name="/remove")[0]
    assert "已删除" in report and "after-school.txt" not in _library(index_dir)


@pytest.mark.model
def test_without_a_login_nothing_is_served_and_wrong_passwords_are_slowed(guarded):
    url, _, _ = guarded
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(url + "pqa/doc?name=compulsory-education-law.txt", timeout=60)
    assert caught.value.code == 401
    with pytest.raises(Exception):
        Client(url, verbose=False).predict("教师有哪些义务？", api_name="/ask")
    assert _login(url, "保安", "guess one") == 400
    assert _login(url, "保安", "guess two") == 400     # the first failure set a one-second wait
    start = time.monotonic()
    assert _login(url, "保安", "guess three") == 400   # two failures: this try waits two seconds
    assert time.monotonic() - start >= 1.5
    assert _login(url, *READER) == 200
