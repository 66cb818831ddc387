"""Accounts of a served page: hashed passwords, roles, slowed wrong logins, and who must log in."""
from __future__ import annotations

import asyncio
import json

import pytest

from policyqa.access import (AccessDenied, LoginThrottle, Role, Users, check_serving, is_loopback,
                             login_check)
from policyqa.errors import PolicyQAError


@pytest.fixture(scope="module")
def users() -> Users:
    return Users().with_user("校长", Role.ADMIN, "correct horse").with_user("王老师", Role.READER, "battery staple")


def test_the_users_file_keeps_hashes_only_and_reads_back(users, tmp_path):
    path = tmp_path / "users.json"
    users.save(path)
    text = path.read_text(encoding="utf-8")
    assert "correct horse" not in text and "battery staple" not in text
    assert json.loads(text)["王老师"]["role"] == "reader"
    again = Users.load(path)
    assert again.verify("校长", "correct horse") and again.verify("王老师", "battery staple")
    assert not again.verify("校长", "battery staple") and not again.verify("张老师", "correct horse")
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_two_hashes_of_one_password_differ(users):
    again = Users().with_user("校长", Role.ADMIN, "correct horse")
    assert again.accounts["校长"].password_hash != users.accounts["校长"].password_hash


def test_readers_ask_and_administrators_change_the_library(users):
    users.require_admin("校长")
    with pytest.raises(AccessDenied, match="只有管理员"):
        users.require_admin("王老师")
    with pytest.raises(AccessDenied, match="未登录"):
        users.require_admin(None)
    assert users.role_of("王老师") is Role.READER and users.role_of("nobody") is None


def test_without_accounts_everyone_is_an_administrator_of_their_own_machine():
    assert Users().role_of(None) is Role.ADMIN
    Users().require_admin(None)


def test_serving_beyond_loopback_needs_accounts(users, tmp_path):
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.20")
    check_serving("127.0.0.1", Users(), tmp_path / "users.json")
    check_serving("0.0.0.0", users, tmp_path / "users.json")
    with pytest.raises(AccessDenied) as caught:
        check_serving("0.0.0.0", Users(), tmp_path / "users.json")
    assert "policyqa user add" in str(caught.value) and "\n" not in str(caught.value)


def test_bad_accounts_are_refused_with_one_line(users, tmp_path):
    with pytest.raises(PolicyQAError, match="至少 8"):
        users.with_user("李老师", Role.READER, "short")
    with pytest.raises(PolicyQAError, match="空格"):
        users.with_user("李 老师", Role.READER, "long enough")
    with pytest.raises(PolicyQAError, match="没有用户 李老师"):
        users.without("李老师")
    bad = tmp_path / "bad.json"
    bad.write_text('{"校长": {"role": "owner", "password": "x"}}', encoding="utf-8")
    with pytest.raises(PolicyQAError, match="policyqa user add"):
        Users.load(bad)


def test_each_wrong_password_doubles_the_wait_of_the_next_try():
    throttle = LoginThrottle(first_delay=10, max_delay=25)
    assert throttle.wait_before("校长") == 0
    throttle.record("校长", ok=False)
    assert 9 < throttle.wait_before("校长") <= 10          # 1 failure: 10 s
    throttle.record("校长", ok=False)
    assert 19 < throttle.wait_before("校长") <= 20         # 2 failures: 20 s after the reserved try
    assert throttle.wait_before("王老师") == 0              # other names are not slowed
    throttle.record("校长", ok=True)
    assert throttle.wait_before("校长") == 0


def test_parallel_tries_of_one_name_queue_behind_each_other():
    throttle = LoginThrottle(first_delay=10, max_delay=100)
    throttle.record("校长", ok=False)
    first, second = throttle.wait_before("校长"), throttle.wait_before("校长")
    assert second - first > 9


def test_the_login_function_checks_the_password(users):
    check = login_check(users, LoginThrottle(first_delay=0.01))
    assert asyncio.run(check("校长", "correct horse"))
    assert not asyncio.run(check("校长", "wrong password"))
    assert asyncio.run(check("校长", "correct horse"))


def test_policyqa_user_adds_lists_and_removes_accounts(tmp_path, monkeypatch, capsys):
    import io

    from policyqa.cli import main

    path = tmp_path / "users.json"
    monkeypatch.setenv("POLICYQA_USERS", str(path))
    monkeypatch.setattr("sys.stdin", io.StringIO("correct horse\n"))
    assert main(["user", "add", "校长", "--role", "admin", "--password-stdin"]) == 0
    assert Users.load(path).verify("校长", "correct horse")
    assert main(["user", "list"]) == 0
    assert "校长\tadmin" in capsys.readouterr().out
    assert main(["user", "remove", "张老师"]) == 2
    assert "没有用户 张老师" in capsys.readouterr().err
    assert main(["user", "remove", "校长"]) == 0
    assert Users.load(path).accounts == {}
