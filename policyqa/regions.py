"""China's administrative divisions as the text of a document names them: which place an issuing
body belongs to, and at what level (国家 → 省级 → 市级 → 区县级).

Only the provincial-level units are listed (they are a closed set of 34, plus the 新疆生产建设兵团,
which issues documents at that level); cities, prefectures and districts are read by their
suffix (…市, …州, …盟, …地区; …区, …县, …旗), since any of the ~3,000 may issue a document.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from policyqa.domain import Level

PROVINCES: dict[str, str] = {
    "北京市": "北京", "天津市": "天津", "上海市": "上海", "重庆市": "重庆",
    "河北省": "河北", "山西省": "山西", "辽宁省": "辽宁", "吉林省": "吉林", "黑龙江省": "黑龙江",
    "江苏省": "江苏", "浙江省": "浙江", "安徽省": "安徽", "福建省": "福建", "江西省": "江西",
    "山东省": "山东", "河南省": "河南", "湖北省": "湖北", "湖南省": "湖南", "广东省": "广东",
    "海南省": "海南", "四川省": "四川", "贵州省": "贵州", "云南省": "云南", "陕西省": "陕西",
    "甘肃省": "甘肃", "青海省": "青海", "台湾省": "台湾",
    "内蒙古自治区": "内蒙古", "广西壮族自治区": "广西", "西藏自治区": "西藏",
    "宁夏回族自治区": "宁夏", "新疆维吾尔自治区": "新疆",
    "香港特别行政区": "香港", "澳门特别行政区": "澳门",
    "新疆生产建设兵团": "兵团",
}
"""Provincial-level units (省、自治区、直辖市、特别行政区) by full name, with the short name people use."""

NATIONAL_BODIES = re.compile(r"^(?:中华人民共和国|中共中央|国务院|全国人民代表大会|教育部|国家|中央)")
"""How the name of a national body begins."""

_CITY = re.compile(r"^[\u4e00-\u9fff]{2,6}?(?:市|自治州|州|盟|地区)(?![\u4e00-\u9fff]{0,2}(?:属|直|级))")
_COUNTY = re.compile(r"^[\u4e00-\u9fff]{1,6}?(?:区|自治县|县|旗|县级市)(?![\u4e00-\u9fff]{0,2}(?:属|直|级))")
_ORG_START = re.compile(r"人民政府|政府|人民代表大会|人大|党委|委员会|教育|办公|体育|财政|发展|[省市区县]委")


@dataclass(frozen=True)
class Place:
    """Where a body sits: ``region`` is its most specific named division (某市, 某市某区);
    ``province`` the provincial-level unit when the name shows one."""

    region: str | None
    level: Level
    province: str | None = None


def place_of(name: str) -> Place | None:
    """The place and level of a body or a document named ``name`` (某市人民政府办公室 → 某市,
    市级; 某市某区人民政府办公室 → 某市某区, 区县级; 教育部 → national), or None when the
    name does not begin with a place."""
    name = re.sub(r"\s", "", name)
    if NATIONAL_BODIES.match(name):
        return Place(None, Level.NATIONAL)
    province = next((p for p in PROVINCES if name.startswith(p)), None)
    rest = name[len(province):] if province else name
    head = _ORG_START.search(rest)
    place_part = rest[:head.start()] if head else rest
    city = _CITY.match(place_part)
    after_city = place_part[city.end():] if city else place_part
    county = _COUNTY.match(after_city)
    if county and (city or province):
        region = (province or "") + (city.group(0) if city else "") + county.group(0)
        return Place(region, Level.DISTRICT, province)
    if city:
        return Place((province or "") + city.group(0), Level.MUNICIPAL, province)
    if province:
        return Place(province, Level.PROVINCIAL, province)
    return None


def short_names(region: str) -> list[str]:
    """The shorter names people give a region: 北京市 → 北京; 宁夏回族自治区 → 宁夏; 苏州市 → 苏州;
    苏州市姑苏区 → 姑苏区, 姑苏."""
    province = next((p for p in PROVINCES if region.startswith(p)), None)
    rest = region[len(province):] if province else region
    if province and not rest:
        return [PROVINCES[province]]
    city = _CITY.match(rest)
    county = _COUNTY.match(rest[city.end():] if city else rest)
    lowest = county.group(0) if county else (city.group(0) if city else rest)
    names = [lowest, re.sub(r"(?:市|自治州|州|盟|地区|区|县|旗)$", "", lowest)]
    return [n for n in dict.fromkeys(names) if len(n) >= 2 and n != region]
