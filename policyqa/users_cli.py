"""``policyqa user``: the accounts of a served page (add, list, remove), kept in the users file."""
from __future__ import annotations

import argparse
import getpass
import sys

from policyqa.access import Role, Users, users_path
from policyqa.config import Config
from policyqa.errors import PolicyQAError


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass(f"为 {args.name} 设置密码：")
    if getpass.getpass("再输入一次：") != first:
        raise PolicyQAError("两次输入的密码不一致，未保存")
    return first


def cmd_user(args: argparse.Namespace) -> int:
    """Add, list or remove an account of the served page."""
    config = Config.load()
    path = users_path(config)
    users = Users.load(path)
    if args.action == "list":
        for user in users.accounts.values():
            print(f"{user.name}\t{user.role.value}")
        print(f"（{len(users.accounts)} 个账号，文件 {path}）", file=sys.stderr)
        return 0
    if not args.name:
        raise PolicyQAError(f"policyqa user {args.action} 需要用户名")
    if args.action == "add":
        users = users.with_user(args.name, Role.from_str(args.role), _password(args))
        users.save(path)
        print(f"已保存账号 {args.name}（{args.role}）到 {path}")
    else:
        users = users.without(args.name)
        users.save(path)
        print(f"已删除账号 {args.name}；还有 {len(users.accounts)} 个账号")
    return 0


def add_user_command(add) -> None:
    """Register ``policyqa user`` with the CLI's ``add(name, func, help)``."""
    p = add("user", cmd_user, "管理网页的登录账号（在 127.0.0.1 以外提供服务时必须设置）：添加、列出、删除。"
            "账号保存在 $POLICYQA_USERS（默认 $POLICYQA_HOME/users.json），只存密码的哈希。")
    p.add_argument("action", choices=["add", "list", "remove"], help="add 添加或改密码，list 列出，remove 删除")
    p.add_argument("name", nargs="?", help="用户名（add 与 remove 需要）")
    p.add_argument("--role", choices=[r.value for r in Role], default=Role.READER.value,
                   help="reader 只能提问；admin 还能上传、删除文件和运行评测（默认 reader）")
    p.add_argument("--password-stdin", action="store_true", help="从标准输入读一行作为密码（脚本用），否则提示输入两次")
