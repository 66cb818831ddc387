"""Questions on real files a user added (issue 14): the bundled corpus plus seven corpus-wild
files — three local 美育 implementations sharing template wording (安阳, 信阳, 驻马店), their
province's, Shanghai's, and the two versions of 体育法."""
from __future__ import annotations

import pytest

from policyqa.domain import Clause

WILD_FILES = (
    "policies/安阳市人民政府办公室关于全面加强和改进学校美育工作的实施意见(FBM-CLI-12-1247643).txt",
    "policies/信阳市人民政府办公室关于全面加强和改进学校美育工作的实施意见(FBM-CLI-12-1411986).txt",
    "policies/驻马店市人民政府办公室关于全面加强和改进学校美育工作的实施意见(FBM-CLI-12-1277519).txt",
    "policies/河南省人民政府办公厅关于全面加强和改进学校美育工作的实施意见(FBM-CLI-12-1221576).txt",
    "policies/上海市人民政府办公厅关于全面加强和改进学校美育工作的实施意见(FBM-CLI-12-1201081).txt",
    "laws/体育法(2016-11-07).md",
    "laws/体育法(2022-06-24).md",
)
ANYANG, XINYANG, ZHUMADIAN = (f.split("/", 1)[1] for f in WILD_FILES[:3])


@pytest.fixture(scope="module")
def wild_assistant(tmp_path_factory, corpus_dir, wild_dir, e5_model_dir, e5_embedder):
    from policyqa.assistant.service import Assistant
    from policyqa.config import Config
    from policyqa.index.service import ingest_and_index

    config = Config.load(index_dir=tmp_path_factory.mktemp("wild-e5") / "index", model_cache=e5_model_dir.parent)
    result = ingest_and_index(config, [corpus_dir, *(wild_dir / f for f in WILD_FILES)], embedder=e5_embedder)
    assert result.report.failures == ()
    return Assistant.load(config, embedder=e5_embedder)


def _docs(answer) -> list[str]:
    return [c.clause.doc for c in answer.citations]


def test_doc_number_of_a_named_local_document(wild_assistant):
    answer = wild_assistant.ask("安阳市的美育实施意见的文号是什么？")
    assert "安政办〔2016〕111号" in answer.text
    assert "豫政办" not in answer.text.split("安政办")[0]   # not the province's number first


def test_question_about_one_city_is_answered_from_its_document(wild_assistant):
    answer = wild_assistant.ask("安阳市的美育实施意见对美育教师配备有什么要求？")
    assert not answer.abstained
    assert set(_docs(answer)) == {ANYANG}


def test_two_local_documents_sharing_wording_can_be_compared(wild_assistant):
    answer = wild_assistant.ask("信阳市和驻马店市的美育实施意见有什么不同？")
    assert not answer.abstained
    assert {XINYANG, ZHUMADIAN} <= set(_docs(answer))


def test_a_law_is_answered_from_the_version_in_force_and_says_so(wild_assistant):
    answer = wild_assistant.ask("体育法对学校体育场地向社会开放是怎么规定的？")
    assert not answer.abstained
    assert _docs(answer)[0] == "体育法(2022-06-24).md" and "体育法(2016-11-07).md" not in _docs(answer)
    assert "2022年版" in answer.text
    old = wild_assistant.ask("2016年版体育法第十八条怎么规定的？")
    assert _docs(old)[0] == "体育法(2016-11-07).md"
    assert "2016年版，已被修订" in old.text


def test_which_places_lists_every_document_that_says_it(wild_assistant, wild_dir, corpus_dir):
    stating = {f.split("/", 1)[1] for f in WILD_FILES if "美育教师补充机制" in (wild_dir / f).read_text("utf-8")}
    stating |= {p.name for p in corpus_dir.iterdir() if "美育教师补充机制" in p.read_text("utf-8")}
    assert len(stating) >= 3   # grep of the library's files
    answer = wild_assistant.ask("哪些地方的文件提出要建立农村中小学校美育教师补充机制？")
    assert not answer.abstained
    assert set(_docs(answer)) == stating
    assert answer.text.count("\n《") == len(stating)   # one line per document


def test_what_changed_between_two_versions_is_answered_article_by_article(wild_assistant):
    answer = wild_assistant.ask("体育法2016年版和2022年版有什么变化？")
    assert not answer.abstained
    assert "逐条对照" in answer.text and "全面修订" in answer.text
    assert _docs(answer) and set(_docs(answer)) == {"体育法(2022-06-24).md"}


def test_an_older_version_picked_in_the_filter_is_searched(wild_assistant):
    from policyqa.domain import Filters

    answer = wild_assistant.ask("学校体育课有什么要求？", filters=Filters(docs=("体育法(2016-11-07).md",)))
    assert not answer.abstained
    assert set(_docs(answer)) == {"体育法(2016-11-07).md"}
    assert "2016年版，已被修订" in answer.text
