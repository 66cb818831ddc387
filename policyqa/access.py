"""Who may use a served page: a users file with hashed passwords, two roles, slowed wrong logins.

On 127.0.0.1 without a users file everyone who reaches the page is an administrator (it is this
machine's user). Served on any other address, the page refuses to start until a users file exists
(:func:`check_serving`): a school's network must not be able to delete its library.

The users file (``$POLICYQA_USERS``, default ``$POLICYQA_HOME/users.json``) maps a user name to its
role and an scrypt hash of the password; ``policyqa user add`` writes it. Readers ask questions;
administrators also upload, remove documents and run evaluations (:meth:`Users.require_admin`).
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from policyqa.atomic import atomic_write_text
from policyqa.config import Config
from policyqa.errors import PolicyQAError

SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1}   # ~50 ms and 16 MB per check: cheap for a login, dear for a guess
FIRST_DELAY_S = 1.0                       # a user's first wrong password costs a second,
MAX_DELAY_S = 30.0                        # doubling with each further one, up to this
MIN_PASSWORD = 8


class AccessDenied(PolicyQAError):
    """A reader asked for an administrator's action, or the server is not set up for its address."""


class Role(Enum):
    """What a user may do: ``reader`` asks; ``admin`` also changes the library and runs evaluations."""

    READER = "reader"
    ADMIN = "admin"

    @classmethod
    def from_str(cls, value: str) -> Role:
        """The role named ``value``; raises PolicyQAError listing the valid names."""
        try:
            return cls(value)
        except ValueError:
            raise PolicyQAError(f"角色只能是 {' 或 '.join(r.value for r in cls)}，收到 {value}") from None


@dataclass(frozen=True)
class User:
    """One account: its name, role and password hash (``scrypt$n$r$p$salt$digest``, hex)."""

    name: str
    role: Role
    password_hash: str


def users_path(config: Config) -> Path:
    """The users file of ``config`` (``POLICYQA_USERS`` or ``home/users.json``)."""
    return config.users_file or config.home / "users.json"


def hash_password(password: str) -> str:
    """An scrypt hash of ``password`` with a fresh salt, as stored in the users file."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, **SCRYPT)
    return f"scrypt${SCRYPT['n']}${SCRYPT['r']}${SCRYPT['p']}${salt.hex()}${digest.hex()}"


def password_matches(password: str, stored: str) -> bool:
    """Whether ``password`` hashes to ``stored`` (constant-time comparison; False for a bad hash)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got.hex(), digest)


@dataclass(frozen=True)
class Users:
    """The accounts of a served page (empty: no login, everyone is an administrator)."""

    accounts: dict[str, User] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Users:
        """Read the users file (a missing file means no accounts); raises PolicyQAError for a bad one."""
        if not path.exists():
            return cls()
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            return cls({name: User(name, Role.from_str(entry["role"]), entry["password"])
                        for name, entry in raw.items()})
        except (ValueError, KeyError, TypeError, AttributeError, PolicyQAError) as err:
            raise PolicyQAError(f"用户文件 {path} 格式不对（{err}）：用 policyqa user add 重新创建") from None

    def save(self, path: Path) -> None:
        """Write the users file atomically (hashes only, never a password)."""
        data = {u.name: {"role": u.role.value, "password": u.password_hash} for u in self.accounts.values()}
        atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
        path.chmod(0o600)

    def with_user(self, name: str, role: Role, password: str) -> Users:
        """A copy with ``name`` added or replaced; raises PolicyQAError for a blank name or short password."""
        name = name.strip()
        if not name or any(ch.isspace() for ch in name):
            raise PolicyQAError(f"用户名不能为空或含空格，收到 “{name}”")
        if len(password) < MIN_PASSWORD:
            raise PolicyQAError(f"密码至少 {MIN_PASSWORD} 个字符")
        return Users({**self.accounts, name: User(name, role, hash_password(password))})

    def without(self, name: str) -> Users:
        """A copy without ``name``; raises PolicyQAError when there is no such user."""
        if name not in self.accounts:
            raise PolicyQAError(f"没有用户 {name}。现有：{'、'.join(self.accounts) or '（无）'}")
        return Users({k: v for k, v in self.accounts.items() if k != name})

    @property
    def required(self) -> bool:
        """Whether the page asks for a login (some account exists)."""
        return bool(self.accounts)

    def verify(self, name: str, password: str) -> bool:
        """Whether ``name`` exists and ``password`` is its password."""
        user = self.accounts.get(name)
        return user is not None and password_matches(password, user.password_hash)

    def role_of(self, name: str | None) -> Role | None:
        """The role of the signed-in ``name``: every caller is an administrator when no login is
        required; None for an unknown name (or nobody signed in) when one is."""
        if not self.required:
            return Role.ADMIN
        user = self.accounts.get(name or "")
        return user.role if user else None

    def require_admin(self, name: str | None) -> None:
        """Raise AccessDenied unless ``name`` may change the library and run evaluations."""
        if self.role_of(name) is not Role.ADMIN:
            raise AccessDenied(f"只有管理员可以修改文库或运行评测（当前用户：{name or '未登录'}）")


class LoginThrottle:
    """Slows wrong passwords per user name: after ``n`` failures the next check of that name waits
    ``FIRST_DELAY_S * 2**(n-1)`` seconds (at most ``MAX_DELAY_S``), however many arrive at once."""

    def __init__(self, first_delay: float = FIRST_DELAY_S, max_delay: float = MAX_DELAY_S) -> None:
        self.first_delay, self.max_delay = first_delay, max_delay
        self._failures: dict[str, int] = {}
        self._next_allowed: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait_before(self, name: str) -> float:
        """Seconds the next check of ``name`` must wait; reserves that slot so parallel tries queue."""
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next_allowed.get(name, 0.0))
            failures = self._failures.get(name, 0)
            if failures:
                self._next_allowed[name] = start + self._delay(failures)
            return start - now

    def record(self, name: str, ok: bool) -> None:
        """Count a failure (or clear the count after a success)."""
        with self._lock:
            if ok:
                self._failures.pop(name, None)
                self._next_allowed.pop(name, None)
                return
            failures = self._failures.get(name, 0) + 1
            self._failures[name] = failures
            self._next_allowed[name] = max(self._next_allowed.get(name, 0.0), time.monotonic() + self._delay(failures))

    def _delay(self, failures: int) -> float:
        return min(self.max_delay, self.first_delay * 2 ** (failures - 1))


def login_check(users: Users, throttle: LoginThrottle):
    """The page's login function (async, so a slowed login does not hold a worker thread)."""
    async def check(name: str, password: str) -> bool:
        await asyncio.sleep(throttle.wait_before(name))
        ok = await asyncio.to_thread(users.verify, name, password)
        throttle.record(name, ok)
        return ok
    return check


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this machine only (127.x, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_serving(host: str, users: Users, path: Path) -> None:
    """Raise AccessDenied when serving on ``host`` needs accounts and there are none."""
    if not is_loopback(host) and not users.required:
        raise AccessDenied(f"在 {host} 上对外提供服务前须先设置账号（{path} 不存在或为空）："
                           "运行 policyqa user add 用户名 --role admin，或只在本机使用 --host 127.0.0.1")
