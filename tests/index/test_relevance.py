"""The relevance model: its text windows, training data, training run, the shipped artifact, and
the assistant's use of it (reranking, answerability from the card's threshold, verdicts)."""
from __future__ import annotations

import json
import shutil
from dataclasses import replace

import numpy as np
import pytest

from policyqa.domain import Clause
from policyqa.index.relevance import ARTIFACT_DIR, CARD_NAME, RelevanceCard
from policyqa.index.relevance_data import Group, read_groups, write_groups
from policyqa.index.relevance_text import MAX_WINDOWS, WINDOW_CHARS, clause_windows, sentence_windows


def _clause(text: str, label: str = "第十一条") -> Clause:
    return Clause(id="c1", doc="law.txt", title="中华人民共和国义务教育法", label=label, path=(label,),
                  text=text, schedule=None, hash="h", ordinal=0, number=11, kind="article")


def test_windows_keep_sentences_whole_and_name_the_clause():
    text = "第十一条 " + "。".join(f"第{n}句话讲一件事情的具体要求和做法" for n in range(20)) + "。"
    windows = clause_windows(_clause(text))
    assert 1 < len(windows) <= MAX_WINDOWS
    assert all(w.startswith("《中华人民共和国义务教育法》第十一条\n") for w in windows)
    assert all("第十一条 " not in w for w in windows)   # the label is not read twice
    bodies = [w.split("\n", 1)[1] for w in windows]
    assert all(len(b) <= WINDOW_CHARS for b in bodies)
    assert "".join(sentence_windows(text[5:])).startswith("第0句话")


def test_a_long_sentence_is_its_own_window():
    long = "甲" * (WINDOW_CHARS + 30) + "。"
    assert sentence_windows("短句。" + long + "又一句。") == ["短句。", long, "又一句。"]


def test_groups_round_trip_and_drop_empty_ones(tmp_path):
    groups = [Group("wild", "问一", ("答",), ("错一", "错二")), Group("wild", "问二", (), ("诱",)),
              Group("stard", "问三", (), ())]
    digest = write_groups(groups, tmp_path / "g.jsonl")
    assert read_groups(tmp_path / "g.jsonl") == groups[:2]
    assert digest == write_groups(groups, tmp_path / "again.jsonl")


def test_the_shipped_card_names_its_data_and_thresholds():
    card = RelevanceCard.read(ARTIFACT_DIR)
    assert 0.0 < card.answerable < 1.0 and card.decides >= card.answerable
    assert card.sources and "library" not in card.sources   # the shipped model never saw the bundled questions
    assert len(card.data_sha256) == 64 and card.groups > 1000
    assert (ARTIFACT_DIR / "relevance.safetensors").stat().st_size < 25_000_000


@pytest.mark.model
def test_the_scorer_loads_offline_and_prefers_the_answering_clause(e5_model_dir):
    from policyqa.index.relevance import RelevanceModel

    model = RelevanceModel.load(e5_model_dir)
    question = "孩子已经满六岁了，家长能不能先不让他上小学？"
    answering = "《中华人民共和国义务教育法》第十一条\n凡年满六周岁的儿童，其父母或者其他法定监护人应当送其入学接受并完成义务教育；条件不具备的地区的儿童，可以推迟到七周岁。"
    tempting = "《中华人民共和国义务教育法》第十三条\n县级人民政府教育行政部门和乡镇人民政府组织和督促适龄儿童、少年入学，帮助解决适龄儿童、少年接受义务教育的困难，采取措施防止适龄儿童、少年辍学。"
    p_answer, p_tempt = model.probabilities(question, [answering, tempting])
    assert p_answer > p_tempt
    assert model.probabilities(question, []).shape == (0,)


@pytest.mark.model
def test_training_writes_a_loadable_artifact_reproducibly(tmp_path, e5_model_dir):
    from policyqa.index import relevance_train
    from policyqa.index.relevance import RelevanceModel

    groups = [Group("stard", "公司拖欠工资怎么办？", ("《劳动合同法》第三十条\n用人单位应当按照劳动合同约定和国家规定，向劳动者及时足额支付劳动报酬。",),
                    ("《民法典》第一条\n为了保护民事主体的合法权益，调整民事关系。", "《刑法》第一条\n为了惩罚犯罪，保护人民。")),
              Group("wild", "放学后学校最晚看管到几点？", (), ("《条例》第十条\n学生自行到校活动或者放学后滞留学校期间发生的事故。",))]
    data = tmp_path / "groups.jsonl"
    write_groups(groups, data)
    cards = [relevance_train.train(e5_model_dir, data, tmp_path / name, epochs=1, log=lambda _: None)
             for name in ("a", "b")]
    assert cards[0] == cards[1] and cards[0].groups == 2 and cards[0].sources == ("stard", "wild")
    from safetensors.numpy import load_file
    a, b = (load_file(str(tmp_path / name / "relevance.safetensors")) for name in ("a", "b"))
    assert a.keys() == b.keys()   # same seed and data: the same weights up to float summation order
    assert all(np.allclose(a[k].astype(np.float32), b[k].astype(np.float32), atol=1e-3) for k in a)
    model = RelevanceModel.load(e5_model_dir, tmp_path / "a")
    assert model.probabilities("拖欠工资", ["按时支付劳动报酬"]).shape == (1,)


@pytest.mark.model
def test_the_refusal_threshold_comes_from_the_card(tmp_path, e5_corpus_index, e5_embedder, e5_model_dir):
    from policyqa.assistant.service import Assistant
    from policyqa.index.relevance import RelevanceModel
    from policyqa.index.rerank import Reranker
    from policyqa.index.service import load_retriever

    question = "孩子已经满六岁了，家长能不能先不让他上小学？"
    shipped = Assistant(load_retriever(e5_corpus_index, embedder=e5_embedder), config=e5_corpus_index)
    assert shipped.policy.answerable == RelevanceCard.read(ARTIFACT_DIR).answerable
    answer = shipped.ask(question)
    assert not answer.abstained and answer.sources[0].clause.label == "第十一条"
    assert all(s.clause.doc for s in answer.sources)

    strict = tmp_path / "strict"
    shutil.copytree(ARTIFACT_DIR, strict)
    card = json.loads((strict / CARD_NAME).read_text("utf-8"))
    (strict / CARD_NAME).write_text(json.dumps(card | {"answerable": 0.9999, "decides": 0.9999}), "utf-8")
    reranker = Reranker(RelevanceModel.load(e5_model_dir, strict))
    refusing = Assistant(load_retriever(e5_corpus_index, embedder=e5_embedder, reranker=reranker), config=e5_corpus_index)
    assert refusing.policy.answerable == 0.9999
    assert refusing.ask(question).abstained


@pytest.mark.model
def test_reranking_keeps_pinned_hits_first_and_scores_the_rest(e5_corpus_index, e5_embedder):
    from policyqa.index.service import load_retriever

    retriever = load_retriever(e5_corpus_index, embedder=e5_embedder)
    off = load_retriever(replace(e5_corpus_index, reranker="off"), embedder=e5_embedder)
    assert retriever.reranker is not None and off.reranker is None
    question = "义务教育法第十一条和未成年人怎么保护有关系吗"
    fused = off.retrieve(question, k=10)
    assert fused[0].found_by == ("lookup",) and all(h.relevance is None for h in fused)
    reranked = retriever.reranker.rerank(question, fused)
    assert reranked[0] == fused[0]   # a clause the question names stays first, unscored
    assert sorted(h.clause.id for h in reranked) == sorted(h.clause.id for h in fused)
    scored = [h for h in reranked if h.relevance is not None]
    assert len(scored) >= 4 and reranked[1:len(scored) + 1] == scored
    weight, top = retriever.reranker.model.card.fusion_weight, max(h.score for h in scored)
    combined = [h.relevance + weight * h.score / top for h in scored]
    assert combined == sorted(combined, reverse=True)
    assert retriever.retrieve(question, k=5)[0].found_by == ("lookup",)


@pytest.mark.model
def test_a_verdict_comes_from_the_sentence_that_decides_the_question(e5_corpus_index, e5_embedder):
    from policyqa.assistant.answer import Verdict
    from policyqa.assistant.service import Assistant
    from policyqa.index.service import load_retriever

    assistant = Assistant(load_retriever(e5_corpus_index, embedder=e5_embedder), config=e5_corpus_index)
    decided = assistant.ask("学生多次违反校规，学校能把这个初中生开除吗？")
    assert decided.verdict is Verdict.FORBIDDEN
    assert any("开除" in " ".join(c.supporting) for c in decided.citations)


@pytest.mark.model
def test_no_verdict_when_no_clause_decides_the_question(e5_corpus_index, e5_embedder):
    from policyqa.assistant.answer import Verdict
    from policyqa.assistant.service import Assistant
    from policyqa.index.service import load_retriever

    assistant = Assistant(load_retriever(e5_corpus_index, embedder=e5_embedder), config=e5_corpus_index)
    # the issue's own example: no bundled clause rules on publishing rankings (at the model's own
    # boundary, 0.5, 教师法第二十二条 on assessing teachers gave 要求; the card's threshold is chosen on dev)
    undecided = assistant.ask("学校可以按考试成绩给学生排名公布吗？")
    assert undecided.verdict in (None, Verdict.UNSPECIFIED)
    assert undecided.abstained or undecided.citations   # related clauses are quoted, without a verdict


def test_models_names_the_relevance_model_with_its_digests(tmp_path):
    from policyqa.config import Config
    from policyqa.index.models_info import describe_models
    from policyqa.index.relevance import artifact_digest

    card = RelevanceCard.read(ARTIFACT_DIR)
    text = describe_models(Config.load(index_dir=tmp_path / "none", model_cache=tmp_path / "cache"))
    line = next(line for line in text.splitlines() if line.startswith("相关性模型"))
    assert artifact_digest()[:12] in line and "e5 构建后启用" in line
    assert card.data_sha256[:12] in text and str(card.answerable) in text
    off = describe_models(Config.load(index_dir=tmp_path / "none", reranker="off"))
    assert "POLICYQA_RERANKER=off" in off
