"""What a question asks for, as far as retrieval needs to know: named documents, clause
references, and whether it is about metadata, structure or a comparison."""
from __future__ import annotations

import re
from dataclasses import dataclass

from policyqa.index.aliases import DocumentResolver
from policyqa.index.clause_ref import ClauseRef, find_refs

_META = re.compile(r"(发文单位|发文机关|发文字号|文号|印发的|谁印发|谁发布|哪个部门|哪些部门|哪几个部门|由谁|落款|"
                   r"什么时候(发布|印发|出台|通过|施行)|何时(发布|印发|出台|通过|施行)|发布(时间|日期)|印发(时间|日期)|"
                   r"哪一?年(发布|印发|出台|通过|修订|修正)|哪天|几号文|签发|通过的|修正|修订)")
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


def read_intent(question: str, resolver: DocumentResolver) -> QueryIntent:
    """Analyse ``question`` with the library's document names."""
    docs = tuple(m.doc for m in resolver.find(question))
    return QueryIntent(
        docs=docs,
        refs=tuple(find_refs(question)),
        asks_metadata=bool(_META.search(question)),
        asks_structure=bool(_STRUCTURE.search(question)),
        compares=len(docs) >= 2,  # per-document retrieval needs two named documents
    )
