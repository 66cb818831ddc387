"""What a question asks for, as far as retrieval needs to know: named documents, clause
references, and whether it is about metadata, structure or a comparison."""
from __future__ import annotations

import re
from dataclasses import dataclass

from collections.abc import Sequence

from policyqa.index.aliases import DocumentMention
from policyqa.index.clause_ref import ClauseRef, find_refs

_META = re.compile(r"(发文单位|发文机关|发文字号|文号|印发的|谁印发|谁发布|哪个部门|哪些部门|哪几个部门|由谁|落款|"
                   r"什么时候(发布|印发|出台|通过|施行)|何时(发布|印发|出台|通过|施行)|发布(时间|日期)|印发(时间|日期)|"
                   r"哪一?年(发布|印发|出台|通过|修订|修正)|哪天|几号文|签发|通过的|修正|修订)")
"""Asks about a document's header (its issuer, 文号, dates): the words of the header and the
Chinese ways to ask who issued it or when (哪个/哪几个部门, 由谁, 什么时候印发)."""
_WHEN = r"(哪天|哪一天|何时|什么时候|啥时候|几时|哪一?年|几月|几号|何日|从什么时候|从哪天)"
"""Chinese ways to ask *when*: question words of the language, not of any one question."""
_EFFECT = re.compile(_WHEN + r".{0,8}(施行|实施|生效|执行|起效)|(施行|生效|实施)(时间|日期)|(开始|正式)(施行|生效)")
"""Asks when a document takes effect: answered by its 本法自…起施行 clause."""
_ACROSS = re.compile(r"哪些(文件|法律|法|方案|政策|地方|省份|省|城市|市)|哪几(份|部)|哪几个(文件|法|方案|政策|地方|省|城市|市)|"
                     r"几份文件|几部法|都有哪些|分别在哪|在哪些")
"""Asks which documents say something: one clause per document comes first. 哪几个 asks for
documents only when a document or a place follows (哪几个方面 asks for the parts of one)."""
_STRUCTURE = re.compile(r"(几大|几项|多少项|多少条|几条|哪几|几个部分|几部分|结构|框架|提纲|目录|几章|分为|"
                        r"包括哪些(方面|行动|任务)|有哪些(行动|任务|方面|部分)|主要内容|"
                        r"[一二三四五六七八九十两\d]+大(行动|任务|工程|举措|方面|板块)|"
                        r"(行动|任务|措施|举措|原则)(分别|都)是(什么|哪些|啥)|哪些(重大|主要|重点)(行动|任务|措施))")


@dataclass(frozen=True)
class QueryIntent:
    """Retrieval-relevant reading of one question."""

    docs: tuple[str, ...]
    refs: tuple[ClauseRef, ...]
    asks_metadata: bool
    asks_structure: bool
    compares: bool
    asks_effect: bool = False
    across_documents: bool = False  # 哪些文件提到…: spread the results over documents


NO_INTENT = QueryIntent((), (), False, False, False)
"""The intent of a question read without routes: nothing named, nothing asked of metadata."""


def read_intent(question: str, mentions: Sequence[DocumentMention], inherited: Sequence[str] = ()) -> QueryIntent:
    """Analyse ``question`` given the documents it names (``mentions``, resolved once by the
    caller); a part that names none is about the ``inherited`` documents of the part before it
    (某法哪年通过？它管什么？)."""
    docs = tuple(m.doc for m in mentions) or tuple(inherited)
    effect = bool(_EFFECT.search(question))
    return QueryIntent(
        docs=docs,
        refs=tuple(find_refs(question)),
        asks_metadata=effect or bool(_META.search(question)),
        asks_structure=bool(_STRUCTURE.search(question)),
        compares=len(docs) >= 2,  # per-document retrieval needs two named documents
        asks_effect=effect,
        across_documents=len(docs) != 1 and bool(_ACROSS.search(question)),
    )
