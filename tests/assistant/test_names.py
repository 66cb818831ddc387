"""Places and laws a question names, found by shape, and typos corrected from the library's words —
on the real jieba dictionary and the bundled library's BM25 vocabulary (no model needed)."""
from __future__ import annotations

import pytest

from policyqa.assistant.names import find_laws, find_places, gazetteer
from policyqa.index.spelling import LibrarySpeller, library_text
from policyqa.index.tokenize import ChineseTokenizer


@pytest.fixture(scope="module")
def tokenizer() -> ChineseTokenizer:
    return ChineseTokenizer().load()


@pytest.fixture(scope="module")
def places(tokenizer) -> frozenset[str]:
    return gazetteer(tokenizer.word_tags())


@pytest.mark.parametrize("question,expected", [
    ("南宁的小学几点放学？", ["南宁"]),
    ("桂林市象山区兼职教师怎么管理", ["桂林市象山区"]),
    ("广西的中考体育考哪些项目？", ["广西"]),
    ("幼儿园能打包成企业资产去上市融资吗？", []),       # 上市 is tagged a place, names none
    ("孩子在幼儿园学不到东西怎么办", []),
    ("我们这是山区，入学年龄能推迟吗", []),
    ("各省要在年底前报送方案吗", []),
    ("农村偏远地区的学校教师有什么补贴？", []),           # 地区: any area, not a division
])
def test_places_come_from_the_dictionary_gazetteer(tokenizer, places, question, expected):
    assert [p.text for p in find_places(tokenizer.tagged(question), places)] == expected


@pytest.mark.parametrize("question,expected", [
    ("根据职业教育法，学校可以收费吗", ["职业教育法"]),
    ("校车安全管理条例对司机有什么要求", ["校车安全管理条例"]),
    ("学生伤害事故处理办法怎么规定的", ["学生伤害事故处理办法"]),
    ("教育部令第50号对学生伤害事故怎么处理？", ["教育部令第50号"]),
    ("学校有什么办法处理欠费", []),
    ("文件里对走班怎么排课有规定吗", []),
    ("家长和学校都可以找公检法吗", []),
    ("听说义务教育法规定了入学年龄", ["义务教育法"]),
    ("义务教育法实施细则怎么说的", ["义务教育法实施细则"]),     # the longer name only
])
def test_laws_are_found_by_their_shape(tokenizer, question, expected):
    assert [n.text for n in find_laws(tokenizer.tagged(question), tokenizer.is_word)] == expected


@pytest.fixture(scope="module")
def speller(hash_corpus_index, tokenizer) -> LibrarySpeller:
    from policyqa.index.bm25 import BM25Index
    from policyqa.index.catalog import Catalog

    catalog = Catalog.load(hash_corpus_index.index_dir)
    texts = [d.title or "" for d in catalog.documents] + [c.text for c in catalog.clauses]
    bm25 = BM25Index.load(hash_corpus_index.index_dir)
    return LibrarySpeller(bm25.document_frequencies(), library_text(texts), tokenizer.is_word, tokenizer.stopwords)


@pytest.mark.parametrize("question,expected", [
    ("扩有提质意见要求公办园在园幼儿占比达到多少", "扩优提质意见要求公办园在园幼儿占比达到多少"),
    ("北京方案有几大行懂", "北京方案有几大行动"),
    ("北京方案有几大行动", "北京方案有几大行动"),                        # nothing to correct
    ("听说未保法规定14岁的孩子只要家长同意就能注册当主播", None),          # a word the library never uses
    ("预防未成年人犯罪法里，哪些行为算严重不良行为", None),                # 里 is grammar, not a typo
    ("学校可以让学生赚差价吗", None),
])
def test_typos_are_corrected_only_where_a_word_fell_apart(speller, tokenizer, question, expected):
    corrected, _ = speller.correct(question, tokenizer.tagged(question))
    assert corrected == (expected or question)
