#!/usr/bin/env python3
"""Loads demo data into running Wangqian services through their HTTP APIs, then prints the service addresses
and ready-to-paste demo tokens.

    python3 deploy/local/demo_data.py            # services on 127.0.0.1:8081-8084 (deploy/local/services.sh)

Environment: WANGQIAN_JWT_SECRET (default: the development secret), WANGQIAN_STUDENT_URL, WANGQIAN_EMPLOYER_URL,
WANGQIAN_COLLEGE_URL, WANGQIAN_SCHEDULER_URL (defaults: the local ports), WANGQIAN_CLOCK_CONTROL=1 when the
scheduler was started with clock control (then some agreements are confirmed automatically by shifting its clock).
Running it twice is fine: every agreement is driven towards its target state from wherever it is.

The first half of this file is also the HTTP client of the end-to-end suite (Tests/EndToEnd imports it): tokens,
calls, command outcomes, bounded waiting, and realistic reference data (names, colleges, companies, credit codes).
Only the standard library and `requests` are used.
"""
from __future__ import annotations

import base64
import csv
import hashlib
import hmac
import io
import json
import os
import random
import re
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import requests

DEVELOPMENT_SECRET = "wangqian-development-secret-change-me"
ISSUER = "wangqian"
SERVICE_NAMES = ("student", "employer", "college", "scheduler")
DEFAULT_PORTS = {"student": 8081, "employer": 8082, "college": 8083, "scheduler": 8084}
SEVEN_DAYS = 7 * 24 * 3600

# Source-information review statuses (生源信息审核状态): the two that permit signing, and one that blocks it.
REVIEW_COMPLETE = "审核完成"
REVIEW_AWAITING_OFFICE = "待就业处审核"
REVIEW_BLOCKING = "待学院审核"

# Agreement statuses in workflow order (docs/api.md, the agreement view).
WORKFLOW = ("draft", "submitted", "employerSigned", "confirmed", "approved", "printed", "filed")


# ---------------------------------------------------------------------------------------------------------------
# Tokens (HS256 JWT, minted without any JWT library)
# ---------------------------------------------------------------------------------------------------------------

def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def mint_token(secret: str, role: str, subject: str, college: str | None = None, *,
               expires_in: float = 8 * 3600, now: float | None = None, issuer: str = ISSUER,
               algorithm: str = "HS256", claims: dict | None = None) -> str:
    """A compact JWT with the claims of docs/api.md. `algorithm="none"` gives an unsigned token (for tests)."""
    issued = time.time() if now is None else now
    payload: dict[str, Any] = {"sub": subject, "role": role, "iat": int(issued), "exp": int(issued + expires_in), "iss": issuer}
    if college is not None:
        payload["college"] = college
    if claims:
        payload.update(claims)
    header = {"alg": algorithm, "typ": "JWT"}
    signing_input = f"{_b64url(_json_bytes(header))}.{_b64url(_json_bytes(payload))}"
    if algorithm == "none":
        return signing_input + "."
    if algorithm != "HS256":
        raise ValueError(f"unsupported algorithm {algorithm}")
    signature = hmac.new(secret.encode("utf-8"), signing_input.encode("ascii"), hashlib.sha256).digest()
    return f"{signing_input}.{_b64url(signature)}"


# ---------------------------------------------------------------------------------------------------------------
# HTTP
# ---------------------------------------------------------------------------------------------------------------

_UNSET = object()


class Reply:
    """One HTTP answer: status, headers and the parsed JSON body (None when the body is not JSON)."""

    def __init__(self, method: str, url: str, response: requests.Response, elapsed: float):
        self.method = method
        self.url = url
        self.status = response.status_code
        self.headers = response.headers
        self.text = response.text
        self.elapsed = elapsed
        try:
            self.body = response.json() if response.content else None
        except ValueError:
            self.body = None

    @property
    def error(self) -> dict:
        if isinstance(self.body, dict) and isinstance(self.body.get("error"), dict):
            return self.body["error"]
        return {}

    @property
    def code(self) -> str | None:
        return self.error.get("code")

    @property
    def message(self) -> str | None:
        return self.error.get("message")

    def json(self) -> Any:
        return self.body

    def __repr__(self) -> str:
        return f"<{self.method} {self.url} -> {self.status} {self.text[:400]!r}>"


class Service:
    """One service's HTTP API. Thread-safe: every thread has its own connection pool."""

    def __init__(self, name: str, base_url: str, timeout: float = 30.0):
        self.name = name
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._local = threading.local()

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.trust_env = False  # never send loopback traffic through a proxy from the environment
            self._local.session = session
        return session

    def request(self, method: str, path: str, token: str | None = None, *, json_body: Any = _UNSET,
                data: bytes | str | None = None, params: dict | None = None, headers: dict | None = None,
                timeout: float | None = None) -> Reply:
        all_headers = {"Accept": "application/json"}
        if token is not None:
            all_headers["Authorization"] = f"Bearer {token}"
        body = data
        if json_body is not _UNSET:
            body = _json_bytes(json_body)
            all_headers["Content-Type"] = "application/json; charset=utf-8"
        elif isinstance(data, str):
            body = data.encode("utf-8")
        if headers:
            all_headers.update(headers)
        url = self.base_url + path
        started = time.monotonic()
        response = self._session().request(method, url, data=body, params=params, headers=all_headers,
                                           timeout=timeout or self.timeout)
        return Reply(method, url, response, time.monotonic() - started)

    def get(self, path: str, token: str | None = None, **kw) -> Reply:
        return self.request("GET", path, token, **kw)

    def post(self, path: str, token: str | None = None, body: Any = _UNSET, **kw) -> Reply:
        if body is _UNSET and "data" not in kw and "json_body" not in kw:
            return self.request("POST", path, token, **kw)
        if body is not _UNSET:
            kw["json_body"] = body
        return self.request("POST", path, token, **kw)

    def put(self, path: str, token: str | None = None, body: Any = _UNSET, **kw) -> Reply:
        if body is not _UNSET:
            kw["json_body"] = body
        return self.request("PUT", path, token, **kw)


# ---------------------------------------------------------------------------------------------------------------
# Waiting, bounded
# ---------------------------------------------------------------------------------------------------------------

class NotYet(AssertionError):
    """Raised by `eventually` when its condition did not hold in time."""


def eventually(probe: Callable[[], Any], timeout: float = 15.0, *, what: str = "condition",
               interval: float = 0.05, max_interval: float = 0.5) -> Any:
    """Calls `probe` until it returns a truthy value (returned) or the time runs out (NotYet).

    A probe may also raise AssertionError or a connection error to mean "not yet"; the last one is reported."""
    deadline = time.monotonic() + timeout
    last_value: Any = None
    last_error: BaseException | None = None
    while True:
        try:
            value = probe()
            if value:
                return value
            last_value, last_error = value, None
        except (AssertionError, requests.RequestException) as error:
            last_error = error
        if time.monotonic() >= deadline:
            detail = f"last error: {last_error}" if last_error is not None else f"last value: {last_value!r}"
            raise NotYet(f"{what}: not reached within {timeout:.0f} s; {detail}"[:4000])
        time.sleep(interval)
        interval = min(interval * 1.5, max_interval)


def find_records(value: Any, key: str, wanted: Any) -> list[dict]:
    """Every JSON object anywhere inside `value` whose `key` equals `wanted` (list shapes vary by endpoint).

    Strings compare case-insensitively: UUIDs may be written in either case."""
    found: list[dict] = []
    stack = [value]
    want = wanted.lower() if isinstance(wanted, str) else wanted
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            have = item.get(key)
            if (have.lower() if isinstance(have, str) else have) == want and key in item:
                found.append(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def contains_agreement(body: Any, agreement_id: str) -> bool:
    """Whether a list answer mentions the agreement (as `id` or `agreementID`)."""
    return bool(find_records(body, "id", agreement_id) or find_records(body, "agreementID", agreement_id))


def has_chinese(text: Any) -> bool:
    return isinstance(text, str) and any("\u4e00" <= ch <= "\u9fff" for ch in text)


# ---------------------------------------------------------------------------------------------------------------
# Commands and their outcome
# ---------------------------------------------------------------------------------------------------------------

@dataclass
class Outcome:
    """The final outcome of one command (docs/api.md, "Commands and their outcome")."""
    reply: Reply
    outcome: str  # applied | unchanged | refused | pending (still pending when the wait ran out)
    status: int  # the answer's status, or 409 when a 202 later turned out refused
    error: dict = field(default_factory=dict)
    agreement: dict | None = None
    command_id: str | None = None
    followed: bool = False  # the first answer was 202 and the outcome was looked up

    @property
    def ok(self) -> bool:
        return self.outcome in ("applied", "unchanged")

    @property
    def code(self) -> str | None:
        return self.error.get("code")

    def __repr__(self) -> str:
        return f"Outcome({self.outcome}, {self.status}, code={self.code}, reply={self.reply!r})"


def await_command(service: Service, token: str, command_id: str, timeout: float = 30.0,
                  location: str | None = None) -> tuple[str, dict]:
    """Looks a command's outcome up at /v1/commands/{id} until it is no longer pending (bounded).

    Returns (outcome, error): outcome is applied, unchanged, refused, or pending when the time ran out."""
    path = location or f"/v1/commands/{command_id}"
    if path.startswith("http"):
        path = "/" + path.split("/", 3)[3]

    def looked_up():
        answer = service.get(path, token)
        if answer.status == 200 and isinstance(answer.body, dict) and answer.body.get("outcome") in ("applied", "refused", "unchanged"):
            return answer.body
        return None

    try:
        body = eventually(looked_up, timeout, what=f"outcome of command {command_id} on {service.name}")
    except NotYet:
        return "pending", {}
    return body["outcome"], body.get("error") or {}


def follow(service: Service, token: str, reply: Reply, timeout: float = 30.0) -> Outcome:
    """Turns a command's answer into its final outcome, following a 202 to /v1/commands/{id} (bounded)."""
    body = reply.body if isinstance(reply.body, dict) else {}
    if reply.status == 200:
        outcome = body.get("outcome", "applied")
        return Outcome(reply, outcome, 200, agreement=body.get("agreement"), command_id=body.get("commandId"))
    if reply.status != 202:
        return Outcome(reply, "refused", reply.status, error=reply.error)
    command_id = body.get("commandId")
    outcome, error = await_command(service, token, command_id, timeout, reply.headers.get("Location"))
    if outcome == "pending":
        return Outcome(reply, "pending", 202, command_id=command_id, followed=True)
    if outcome == "refused":
        return Outcome(reply, "refused", 409, error=error, command_id=command_id, followed=True)
    return Outcome(reply, outcome, 200, command_id=command_id, followed=True)


# ---------------------------------------------------------------------------------------------------------------
# Reference data: realistic names, colleges, companies, credit codes
# ---------------------------------------------------------------------------------------------------------------

SURNAMES = ("王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁 谢 宋 唐 许 韩 冯 邓 曹 彭 曾 肖 田 董 "
            "袁 潘 于 蒋 蔡 余 杜 叶 程 苏 魏 吕 丁 任 沈 姚 卢 姜 崔 钟 谭 陆 汪 范 金 石 廖 贾 夏 韦 付 方 白 邹 孟 "
            "熊 秦 邱 江 尹 薛 闫 段 雷 侯 龙 史 陶 黎 贺 顾 毛 郝 龚 邵 万 钱 严 覃 武 戴 莫 孔 向 汤 欧阳 司马 诸葛").split()
GIVEN_MALE = "伟 强 磊 军 勇 杰 涛 斌 超 明 刚 平 辉 鹏 华 飞 鑫 波 宇 浩 凯 健 俊 帆 帅 旭 宁 龙 林 博 文 晨 阳 昊 然 轩 睿 泽 航 铭".split()
GIVEN_FEMALE = "芳 娜 敏 静 丽 艳 娟 霞 秀 燕 玲 婷 雪 慧 颖 琳 晶 倩 洁 欣 悦 怡 佳 雨 萱 涵 诗 梦 瑶 琪 璐 彤 思 语 可 欢 月 菲 蕾 薇".split()

# (code, name, majors)
COLLEGES = (
    ("CS", "计算机学院", ("计算机科学与技术", "软件工程", "人工智能", "网络空间安全")),
    ("EE", "电子信息学院", ("电子信息工程", "通信工程", "微电子科学与工程", "自动化")),
    ("EM", "经济管理学院", ("金融学", "会计学", "工商管理", "国际经济与贸易")),
    ("FL", "外国语学院", ("英语", "日语", "翻译", "商务英语")),
    ("ME", "机械工程学院", ("机械设计制造及其自动化", "车辆工程", "工业设计", "材料成型及控制工程")),
)

# (name, region code, location, address, postal code, type, industry)
COMPANIES = (
    ("深圳市腾讯计算机系统有限公司", "440300", "广东省深圳市", "深圳市南山区海天二路33号腾讯滨海大厦", "518057", "民营企业", "互联网和相关服务"),
    ("华为技术有限公司", "440300", "广东省深圳市", "深圳市龙岗区坂田华为基地", "518129", "民营企业", "计算机、通信和其他电子设备制造业"),
    ("阿里巴巴(中国)有限公司", "330100", "浙江省杭州市", "杭州市余杭区文一西路969号", "311121", "外商投资企业", "互联网和相关服务"),
    ("北京字节跳动科技有限公司", "110108", "北京市", "北京市海淀区北三环西路甲18号", "100086", "民营企业", "互联网和相关服务"),
    ("北京百度网讯科技有限公司", "110108", "北京市", "北京市海淀区上地十街10号", "100085", "民营企业", "互联网和相关服务"),
    ("北京京东世纪贸易有限公司", "110115", "北京市", "北京市大兴区亦庄经济开发区科创十一街18号", "101111", "民营企业", "零售业"),
    ("网易(杭州)网络有限公司", "330108", "浙江省杭州市", "杭州市滨江区网商路599号", "310052", "外商投资企业", "互联网和相关服务"),
    ("北京三快在线科技有限公司", "110105", "北京市", "北京市朝阳区望京东路4号", "100102", "民营企业", "互联网和相关服务"),
    ("小米通讯技术有限公司", "110108", "北京市", "北京市海淀区西二旗中路33号", "100085", "民营企业", "计算机、通信和其他电子设备制造业"),
    ("中国建设银行股份有限公司深圳市分行", "440300", "广东省深圳市", "深圳市福田区益田路6003号", "518048", "国有企业", "货币金融服务"),
    ("招商银行股份有限公司", "440300", "广东省深圳市", "深圳市福田区深南大道7088号", "518040", "其他企业", "货币金融服务"),
    ("中国移动通信集团广东有限公司", "440100", "广东省广州市", "广州市天河区珠江新城珠江西路11号", "510623", "国有企业", "电信、广播电视和卫星传输服务"),
    ("比亚迪股份有限公司", "440300", "广东省深圳市", "深圳市坪山区比亚迪路3009号", "518118", "民营企业", "汽车制造业"),
    ("宁德时代新能源科技股份有限公司", "350900", "福建省宁德市", "宁德市蕉城区漳湾镇新港路2号", "352100", "民营企业", "电气机械和器材制造业"),
    ("上海汽车集团股份有限公司", "310000", "上海市", "上海市静安区威海路489号", "200041", "国有企业", "汽车制造业"),
    ("中国商用飞机有限责任公司", "310000", "上海市", "上海市浦东新区世博大道1919号", "200126", "国有企业", "铁路、船舶、航空航天和其他运输设备制造业"),
    ("国网江苏省电力有限公司", "320100", "江苏省南京市", "南京市鼓楼区上海路215号", "210024", "国有企业", "电力、热力生产和供应业"),
    ("中兴通讯股份有限公司", "440300", "广东省深圳市", "深圳市南山区科技南路55号", "518057", "其他企业", "计算机、通信和其他电子设备制造业"),
    ("深圳市大疆创新科技有限公司", "440300", "广东省深圳市", "深圳市南山区仙元路55号", "518055", "民营企业", "计算机、通信和其他电子设备制造业"),
    ("联想(北京)有限公司", "110108", "北京市", "北京市海淀区西北旺东路10号院", "100094", "外商投资企业", "计算机、通信和其他电子设备制造业"),
    ("杭州海康威视数字技术股份有限公司", "330100", "浙江省杭州市", "杭州市滨江区阡陌路555号", "310051", "其他企业", "计算机、通信和其他电子设备制造业"),
    ("中国建筑第三工程局有限公司", "420100", "湖北省武汉市", "武汉市武昌区中北路1号", "430064", "国有企业", "房屋建筑业"),
    ("三一重工股份有限公司", "430100", "湖南省长沙市", "长沙市经济技术开发区三一路三一工业城", "410100", "民营企业", "专用设备制造业"),
    ("普华永道中天会计师事务所(特殊普通合伙)", "310000", "上海市", "上海市黄浦区湖滨路202号", "200021", "其他企业", "商务服务业"),
    ("中信证券股份有限公司", "440300", "广东省深圳市", "深圳市福田区中心三路8号卓越时代广场", "518048", "国有企业", "资本市场服务"),
    ("科大讯飞股份有限公司", "340100", "安徽省合肥市", "合肥市高新区望江西路666号", "230088", "民营企业", "软件和信息技术服务业"),
    ("携程计算机技术(上海)有限公司", "310000", "上海市", "上海市长宁区金钟路968号", "200335", "外商投资企业", "互联网和相关服务"),
    ("蔚来汽车科技(安徽)有限公司", "340100", "安徽省合肥市", "合肥市经济技术开发区青鸾路", "230601", "民营企业", "汽车制造业"),
    ("北京新东方教育科技(集团)有限公司", "110108", "北京市", "北京市海淀区海淀东三街2号", "100080", "民营企业", "教育"),
    ("中国银河证券股份有限公司", "110102", "北京市", "北京市丰台区西营街8号院", "100073", "国有企业", "资本市场服务"),
    ("上海米哈游网络科技股份有限公司", "310000", "上海市", "上海市徐汇区宜山路700号", "200233", "民营企业", "软件和信息技术服务业"),
    ("长沙景嘉微电子股份有限公司", "430100", "湖南省长沙市", "长沙市岳麓区梅溪湖路1号", "410205", "民营企业", "计算机、通信和其他电子设备制造业"),
)
KNOWN_CREDIT_CODES = {
    "深圳市腾讯计算机系统有限公司": "91440300708461136T",
    "华为技术有限公司": "914403001922038216",
    "阿里巴巴(中国)有限公司": "91330100799655058B",
}

_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def credit_code(rng: random.Random, region: str = "110108") -> str:
    """A unified social credit code (统一社会信用代码, GB 32100-2015) with valid check characters."""
    body = "".join(rng.choice("0123456789") for _ in range(8))
    total = sum(int(c) * w for c, w in zip(body, _ORG_WEIGHTS))
    org_check = 11 - total % 11
    org = body + ("X" if org_check == 10 else "0" if org_check == 11 else str(org_check))
    first17 = "91" + region + org
    total = sum(_CREDIT_CHARS.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS))
    return first17 + _CREDIT_CHARS[(31 - total % 31) % 31]


def chinese_name(rng: random.Random, gender: str) -> str:
    given = GIVEN_MALE if gender == "男" else GIVEN_FEMALE
    return rng.choice(SURNAMES) + "".join(rng.choice(given) for _ in range(rng.choice((1, 2, 2))))


def mobile(rng: random.Random) -> str:
    return rng.choice(("138", "139", "150", "151", "158", "177", "186", "188", "199")) + "".join(
        rng.choice("0123456789") for _ in range(8))


def roster_row(student_id: str, name: str, college: tuple, major: str | None = None, *, gender: str = "男",
               degree: str = "本科", graduation_year: int = 2027, review_status: str = REVIEW_COMPLETE) -> dict:
    code, college_name, majors = college
    return {"studentID": student_id, "name": name, "gender": gender, "collegeCode": code,
            "collegeName": college_name, "major": major or majors[0], "degree": degree,
            "graduationYear": str(graduation_year), "reviewStatus": review_status}


ROSTER_COLUMNS = ("studentID", "name", "gender", "collegeCode", "collegeName", "major", "degree", "graduationYear",
                  "reviewStatus")


def roster_csv(rows: Iterable[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=ROSTER_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: row.get(k, "") for k in ROSTER_COLUMNS})
    return out.getvalue()


def registration(name: str, rng: random.Random, *, region: str = "440300", location: str = "广东省深圳市",
                 address: str = "深圳市南山区科技园", postal_code: str = "518057", type_: str = "民营企业",
                 industry: str = "软件和信息技术服务业", credit: str | None = None) -> dict:
    """The body of POST /v1/employers/registration."""
    return {"name": name, "creditCode": credit or credit_code(rng, region), "type": type_, "industry": industry,
            "location": location, "contactPerson": chinese_name(rng, rng.choice("男女")) , "contactPhone": mobile(rng),
            "address": address, "postalCode": postal_code, "archiveAddress": address + " 人力资源部"}


def company_registration(company: tuple, rng: random.Random) -> dict:
    name, region, location, address, postal, type_, industry = company
    return registration(name, rng, region=region, location=location, address=address, postal_code=postal,
                        type_=type_, industry=industry, credit=KNOWN_CREDIT_CODES.get(name))


def review_fields(rng: random.Random, college: tuple) -> dict:
    """The four college-review fields (学校联系人, 联系电话, 邮政编码, 协议书邮寄地址)."""
    return {"contactPerson": chinese_name(rng, rng.choice("男女")) + "老师", "contactPhone": mobile(rng),
            "postalCode": "100871", "mailingAddress": f"北京市海淀区颐和园路5号 {college[1]}学生工作办公室"}


# ---------------------------------------------------------------------------------------------------------------
# The client: one object for the four services, with a method per workflow step
# ---------------------------------------------------------------------------------------------------------------

class Wangqian:
    """The four services of one Wangqian system, called as the user each token names."""

    def __init__(self, urls: dict[str, str], secret: str, *, command_timeout: float = 30.0):
        self.urls = dict(urls)
        self.secret = secret
        self.command_timeout = command_timeout
        self.services = {name: Service(name, urls[name]) for name in SERVICE_NAMES}
        self.student = self.services["student"]
        self.employer = self.services["employer"]
        self.college = self.services["college"]
        self.scheduler = self.services["scheduler"]
        self._tokens: dict[tuple, str] = {}
        self._lock = threading.Lock()

    # tokens
    def token(self, role: str, subject: str, college: str | None = None) -> str:
        key = (role, subject, college)
        with self._lock:
            if key not in self._tokens:
                self._tokens[key] = mint_token(self.secret, role, subject, college)
            return self._tokens[key]

    def student_token(self, student_id: str) -> str:
        return self.token("student", student_id)

    def employer_token(self, employer_id: str) -> str:
        return self.token("employer", employer_id)

    def counselor_token(self, counselor_id: str, college: str) -> str:
        return self.token("counselor", counselor_id, college)

    def office_token(self, staff_id: str = "JYC001") -> str:
        return self.token("office", staff_id)

    # commands
    def command(self, service: Service, method: str, path: str, token: str, body: Any = _UNSET) -> Outcome:
        if body is _UNSET:
            reply = service.request(method, path, token)
        else:
            reply = service.request(method, path, token, json_body=body)
        return follow(service, token, reply, self.command_timeout)

    # reference data
    def import_roster(self, rows: Iterable[dict], office: str | None = None) -> Reply:
        return self.college.post("/v1/roster/import", office or self.office_token(), data=roster_csv(rows),
                                 headers={"Content-Type": "text/csv; charset=utf-8"})

    def register_employer(self, employer_id: str, body: dict) -> Reply:
        return self.employer.post("/v1/employers/registration", self.employer_token(employer_id), body)

    def approve_employer(self, employer_id: str) -> Reply:
        return self.employer.post(f"/v1/employers/{employer_id}/approve", self.office_token())

    def wait_student_known(self, student_id: str, timeout: float = 20.0) -> dict:
        """Waits (bounded) until the roster record reached the student service over Kafka."""
        def known():
            reply = self.student.get("/v1/me", self.student_token(student_id))
            return reply.body if reply.status == 200 else None
        return eventually(known, timeout, what=f"student {student_id} visible in the student service")

    def search_employers(self, student_id: str, q: str, limit: int = 20) -> Reply:
        return self.student.get("/v1/employers", self.student_token(student_id), params={"q": q, "limit": limit})

    def wait_employer_selectable(self, student_id: str, employer_id: str, q: str, timeout: float = 20.0) -> dict:
        """Waits (bounded) until the student's employer search finds the employer."""
        def found():
            reply = self.search_employers(student_id, q, 100)
            assert reply.status == 200, reply
            hits = find_records(reply.body, "employerID", employer_id)
            return hits[0] if hits else None
        return eventually(found, timeout, what=f"employer {employer_id} found by {student_id} searching {q!r}")

    # student
    def acknowledge_notices(self, student_id: str) -> Reply:
        return self.student.post("/v1/me/notices", self.student_token(student_id),
                                 {"signingNotice": True, "breachExplanation": True})

    def my_agreement(self, student_id: str) -> Reply:
        return self.student.get("/v1/agreement", self.student_token(student_id))

    def save_draft(self, student_id: str, employer_id: str, *, mobile: str = "13800138000",
                   email: str | None = None, **form: Any) -> Outcome:
        body = {"employerID": employer_id, "mobile": mobile, "email": email or f"{student_id}@stu.example.edu.cn"}
        body.update({k: v for k, v in form.items() if v is not None})
        return self.command(self.student, "PUT", "/v1/agreement/draft", self.student_token(student_id), body)

    def submit(self, student_id: str) -> Outcome:
        return self.command(self.student, "POST", "/v1/agreement/submit", self.student_token(student_id))

    def confirm(self, student_id: str) -> Outcome:
        return self.command(self.student, "POST", "/v1/agreement/confirm", self.student_token(student_id))

    def student_print(self, student_id: str) -> Outcome:
        return self.command(self.student, "POST", "/v1/agreement/print", self.student_token(student_id))

    # employer
    def sign(self, employer_id: str, agreement_id: str, opinion: str = "同意接收", supervisor: str | None = None,
             employer_section: dict | None = None) -> Outcome:
        body: dict[str, Any] = {"employerOpinion": opinion}
        if supervisor is not None:
            body["supervisorOpinion"] = supervisor
        if employer_section is not None:
            body["employer"] = employer_section
        return self.command(self.employer, "POST", f"/v1/agreements/{agreement_id}/sign",
                            self.employer_token(employer_id), body)

    def employer_return(self, employer_id: str, agreement_id: str, reason: str) -> Outcome:
        return self.command(self.employer, "POST", f"/v1/agreements/{agreement_id}/return",
                            self.employer_token(employer_id), {"reason": reason})

    def take_back(self, employer_id: str, agreement_id: str, reason: str) -> Outcome:
        return self.command(self.employer, "POST", f"/v1/agreements/{agreement_id}/take-back",
                            self.employer_token(employer_id), {"reason": reason})

    def batch_sign(self, employer_id: str, agreement_ids: list[str], opinion: str = "同意接收") -> Reply:
        return self.employer.post("/v1/agreements/batch-sign", self.employer_token(employer_id),
                                  {"agreementIDs": agreement_ids, "employerOpinion": opinion})

    # college
    def approve(self, counselor: tuple[str, str], agreement_id: str, review: dict) -> Outcome:
        return self.command(self.college, "POST", f"/v1/agreements/{agreement_id}/approve",
                            self.counselor_token(*counselor), review)

    def college_return(self, counselor: tuple[str, str], agreement_id: str, reason: str) -> Outcome:
        return self.command(self.college, "POST", f"/v1/agreements/{agreement_id}/return",
                            self.counselor_token(*counselor), {"reason": reason})

    def college_print(self, counselor: tuple[str, str], agreement_id: str) -> Outcome:
        return self.command(self.college, "POST", f"/v1/agreements/{agreement_id}/print",
                            self.counselor_token(*counselor))

    def reprint(self, counselor: tuple[str, str], agreement_id: str, reason: str, extra: int = 1) -> Outcome:
        return self.command(self.college, "POST", f"/v1/agreements/{agreement_id}/reprint",
                            self.counselor_token(*counselor), {"extraCopies": extra, "reason": reason})

    def file(self, counselor: tuple[str, str], agreement_id: str) -> Outcome:
        return self.command(self.college, "POST", f"/v1/agreements/{agreement_id}/file",
                            self.counselor_token(*counselor))

    # office: projections and the scheduler
    def projection(self, service: str, agreement_id: str) -> Reply:
        return self.services[service].get(f"/v1/projection/agreements/{agreement_id}", self.office_token())

    def wait_status(self, service: str, agreement_id: str, statuses: str | Iterable[str],
                    timeout: float = 20.0) -> dict:
        """Waits (bounded) until `service`'s projection shows the agreement in one of `statuses`."""
        wanted = {statuses} if isinstance(statuses, str) else set(statuses)

        def reached():
            reply = self.projection(service, agreement_id)
            if reply.status == 200 and reply.body.get("status") in wanted:
                return reply.body
            return None
        return eventually(reached, timeout, what=f"{agreement_id} {sorted(wanted)} in {service}")

    def digest(self, service: str) -> Reply:
        return self.services[service].get("/v1/projection/digest", self.office_token())

    def clock(self) -> Reply:
        return self.scheduler.get("/v1/clock", self.office_token())

    def advance_clock(self, seconds: float) -> Reply:
        return self.scheduler.post("/v1/clock/advance", self.office_token(), {"seconds": seconds})

    def timers(self, agreement_id: str) -> Reply:
        return self.scheduler.get("/v1/timers", self.office_token(), params={"agreementID": agreement_id})

    def ready(self) -> dict[str, int]:
        status = {}
        for name, service in self.services.items():
            try:
                status[name] = service.get("/health/ready", timeout=5).status
            except requests.RequestException:
                status[name] = 0
        return status


def agreement_of(outcome: Outcome, client: Wangqian, student_id: str) -> dict:
    """The agreement a student command produced (from its answer, or read back when it was answered 202)."""
    if outcome.agreement:
        return outcome.agreement
    reply = client.my_agreement(student_id)
    assert reply.status == 200, reply
    return reply.body


# ---------------------------------------------------------------------------------------------------------------
# The demo
# ---------------------------------------------------------------------------------------------------------------

DEMO_SEED = 20270601
DEMO_GRADUATION_YEAR = 2027
DEMO_STUDENTS_PER_COLLEGE = 60
DEMO_PENDING_EMPLOYERS = 4  # the last companies stay unapproved
DEMO_OFFICE = "JYC001"

# How many agreements to leave in each state (per the whole demo), and the order they are made in.
DEMO_TARGETS = (("draft", 6), ("submitted", 8), ("returned", 3), ("employerSigned", 5), ("confirmed", 5),
                ("approved", 4), ("printed", 4), ("filed", 4), ("auto", 3))


def log(message: str) -> None:
    print(f"[demo] {message}", flush=True)


@dataclass
class DemoStudent:
    row: dict
    college: tuple

    @property
    def id(self) -> str:
        return self.row["studentID"]


def demo_roster(rng: random.Random) -> list[DemoStudent]:
    students = []
    for index, college in enumerate(COLLEGES, start=1):
        for serial in range(1, DEMO_STUDENTS_PER_COLLEGE + 1):
            gender = rng.choice("男女")
            degree = rng.choices(("本科", "硕士", "博士"), weights=(70, 25, 5))[0]
            # Most students may sign; a few still wait for the office (may sign too); some are blocked.
            status = REVIEW_COMPLETE if serial <= 45 else REVIEW_AWAITING_OFFICE if serial <= 52 else REVIEW_BLOCKING
            student_id = f"{DEMO_GRADUATION_YEAR - (4 if degree == '本科' else 3)}{index:02d}{serial:04d}"
            row = roster_row(student_id, chinese_name(rng, gender), college, rng.choice(college[2]), gender=gender,
                             degree=degree, graduation_year=DEMO_GRADUATION_YEAR, review_status=status)
            students.append(DemoStudent(row, college))
    return students


def demo_employer_id(index: int) -> str:
    return f"E{index:04d}"


class Demo:
    def __init__(self, client: Wangqian, clock_control: bool):
        self.client = client
        self.clock_control = clock_control
        self.rng = random.Random(DEMO_SEED)
        self.students = demo_roster(self.rng)
        self.approved = [(demo_employer_id(i + 1), c) for i, c in enumerate(COMPANIES[:-DEMO_PENDING_EMPLOYERS])]
        self.pending = [(demo_employer_id(len(COMPANIES) - DEMO_PENDING_EMPLOYERS + i + 1), c)
                        for i, c in enumerate(COMPANIES[-DEMO_PENDING_EMPLOYERS:])]
        self.made: dict[str, list[str]] = {}
        self.counselors = {c[0]: (f"FDY-{c[0]}-01", c[0]) for c in COLLEGES}

    # reference data
    def load_roster(self) -> None:
        reply = self.client.import_roster(s.row for s in self.students)
        if reply.status != 200:
            raise SystemExit(f"roster import failed: {reply!r}")
        log(f"roster: {reply.body.get('imported')} students imported, {reply.body.get('rejected')} rejected")
        for row in reply.body.get("rows", []):
            if row.get("outcome") != "imported":
                log(f"  row {row.get('row')}: {row.get('error')}")

    def load_employers(self) -> None:
        rng = random.Random(DEMO_SEED + 1)
        status: dict[str, str | None] = {}
        for employer_id, company in self.approved + self.pending:
            body = company_registration(company, rng)  # drawn even when skipped, so that every run draws the same
            mine = self.client.employer.get("/v1/employers/me", self.client.employer_token(employer_id))
            status[employer_id] = (mine.body or {}).get("status") if mine.status == 200 else None
            if status[employer_id] is not None:
                continue  # registered by an earlier run
            reply = self.client.register_employer(employer_id, body)
            if reply.status != 200:
                raise SystemExit(f"registering {company[0]} failed: {reply!r}")
        for employer_id, company in self.approved:
            if status[employer_id] == "approved":
                continue
            reply = self.client.approve_employer(employer_id)
            if reply.status != 200:
                raise SystemExit(f"approving {company[0]} failed: {reply!r}")
        log(f"employers: {len(self.approved)} approved, {len(self.pending)} awaiting approval")

    # agreements
    def signable(self) -> list[DemoStudent]:
        return [s for s in self.students if s.row["reviewStatus"] in (REVIEW_COMPLETE, REVIEW_AWAITING_OFFICE)]

    def plan(self) -> list[tuple[str, DemoStudent, str]]:
        """(target state, student, employer ID): deterministic, so a second run drives the same agreements."""
        students = self.signable()
        plan = []
        cursor = 0
        employers = [e for e, _ in self.approved]
        for target, count in DEMO_TARGETS:
            for n in range(count):
                student = students[cursor * 7 % len(students)]
                cursor += 1
                # The first employer (Tencent) gets every submitted item, so its backend has pending work.
                employer = employers[0] if target == "submitted" else employers[(cursor * 3 + n) % len(employers)]
                plan.append((target, student, employer))
        return plan

    def status(self, student: DemoStudent) -> str | None:
        reply = self.client.my_agreement(student.id)
        return reply.body.get("status") if reply.status == 200 else None

    def must(self, what: str, outcome: Outcome) -> None:
        if not outcome.ok and outcome.code not in ("invalid_state",):
            raise SystemExit(f"{what} failed: {outcome!r}")

    def drive(self, target: str, student: DemoStudent, employer_id: str) -> str:
        """Moves one student's agreement towards `target`, from whatever state it is in now."""
        c = self.client
        counselor = self.counselors[student.college[0]]
        rng = random.Random(student.id)
        status = self.status(student)
        agreement_id = None
        final = "confirmed" if target == "auto" else target
        path = WORKFLOW[: WORKFLOW.index(final) + 1] if final in WORKFLOW else ("draft", "submitted", "returned")
        if status is not None and (status == final or (status in WORKFLOW and final in WORKFLOW
                                                       and WORKFLOW.index(status) >= WORKFLOW.index(final))):
            return status
        if status is None or status == "returned" and final != "returned":
            c.acknowledge_notices(student.id)
            self.must(f"draft of {student.id}", c.save_draft(
                student.id, employer_id, mobile=mobile(rng), email=f"{student.id}@stu.pku-demo.edu.cn",
                jobTitle=rng.choice(("软件开发工程师", "产品经理", "数据分析师", "硬件工程师", "管培生", "财务分析师")),
                workLocation=rng.choice(("深圳", "北京", "上海", "杭州", "广州")),
                remarks="试用期6个月，月薪面议"))
            status = "draft"
        agreement = c.my_agreement(student.id).body
        agreement_id = agreement["id"]
        employer_id = (agreement.get("employer") or {}).get("employerID", employer_id)
        if "submitted" in path and status == "draft":
            self.must(f"submit of {student.id}", c.submit(student.id))
            status = "submitted"
        if target == "returned" and status == "submitted":
            c.wait_status("employer", agreement_id, "submitted")
            self.must(f"return of {student.id}", c.employer_return(
                employer_id, agreement_id, "岗位信息填写有误，请核对后重新提交"))
            return "returned"
        if "employerSigned" in path and status == "submitted":
            c.wait_status("employer", agreement_id, "submitted")
            self.must(f"signing of {student.id}", c.sign(employer_id, agreement_id, "同意接收该生", "同意"))
            status = "employerSigned"
        if target == "auto":
            return status
        if "confirmed" in path and status == "employerSigned":
            c.wait_status("student", agreement_id, "employerSigned")
            self.must(f"confirmation of {student.id}", c.confirm(student.id))
            status = "confirmed"
        if "approved" in path and status == "confirmed":
            c.wait_status("college", agreement_id, "confirmed")
            self.must(f"approval of {student.id}", c.approve(counselor, agreement_id, review_fields(rng, student.college)))
            status = "approved"
        if "printed" in path and status == "approved":
            for _ in range(3):
                self.must(f"printing for {student.id}", c.college_print(counselor, agreement_id))
            status = "printed"
        if "filed" in path and status == "printed":
            self.must(f"filing of {student.id}", c.file(counselor, agreement_id))
            status = "filed"
        return status

    def load_agreements(self) -> None:
        plan = self.plan()
        auto = [(s, e) for t, s, e in plan if t == "auto"]
        signed_later = [(s, e) for t, s, e in plan if t == "employerSigned"]
        for target, student, employer in plan:
            if target in ("auto", "employerSigned"):
                continue
            self.made.setdefault(target, []).append(student.id)
            self.drive(target, student, employer)
        if self.clock_control:
            self.auto_confirm(auto)
        else:
            log("auto-confirmation skipped (start the scheduler with WANGQIAN_CLOCK_CONTROL=1 to include it)")
        for student, employer in signed_later:
            self.made.setdefault("employerSigned", []).append(student.id)
            self.drive("employerSigned", student, employer)

    def auto_confirm(self, items: list[tuple[DemoStudent, str]]) -> None:
        """Signs, then shifts the scheduler clock past the seven-day window once (not again on a second run)."""
        c = self.client
        for student, employer in items:
            self.drive("auto", student, employer)
            self.made.setdefault("confirmed (auto)", []).append(student.id)
        clock = c.clock()
        offset = (clock.body or {}).get("offsetSeconds", 0) if clock.status == 200 else 0
        if offset < SEVEN_DAYS:
            reply = c.advance_clock(SEVEN_DAYS + 60)
            if reply.status != 200:
                log(f"could not shift the scheduler clock ({reply.status}); auto-confirmation skipped")
                return
        for student, _ in items:
            try:
                eventually(lambda: self.status(student) == "confirmed", 20, what=f"auto-confirmation of {student.id}")
            except NotYet as error:
                log(str(error))
        log("note: the scheduler clock is now 7 days ahead, so an agreement an employer signs from now on is "
            "confirmed automatically at once (the demo's 'employerSigned' ones included); start the scheduler "
            "without WANGQIAN_CLOCK_CONTROL to keep agreements waiting for the student")

    def summary(self) -> dict[str, int]:
        """Agreements by status in the college service, once it holds every agreement made (bounded wait)."""
        made = sum(len(ids) for ids in self.made.values())

        def counted():
            reply = self.client.digest("college")
            entries = (reply.body or {}).get("agreements", []) if reply.status == 200 else []
            counts: dict[str, int] = {}
            for entry in entries:
                counts[entry["status"]] = counts.get(entry["status"], 0) + 1
            return counts if len(entries) >= made else None
        try:
            return eventually(counted, 20, what="every demo agreement in the college service")
        except NotYet as error:
            log(str(error))
            return {}

    def first(self, target: str) -> str:
        return self.made.get(target, ["?"])[0]

    DEMO_EMPLOYER_LOGIN = "hr@wangqian-demo.cn"
    DEMO_EMPLOYER_PASSWORD = "wangqian-demo-2027"

    def portal_employer(self) -> str | None:
        """An employer with a password account, registered through the employer portal's own form (as HR staff
        would), approved, with two submitted agreements waiting: its ID, or None when the portal is not there."""
        base = self.client.urls["employer"] + "/employer"
        session = requests.Session()
        session.trust_env = False

        def form(path: str, fields: dict) -> requests.Response:
            session.get(base + path, timeout=30)
            csrf = session.cookies.get("wq_employer_csrf")
            return session.post(base + path, data={**fields, "_csrf": csrf}, timeout=30)
        page = form("/login", {"login": self.DEMO_EMPLOYER_LOGIN, "password": self.DEMO_EMPLOYER_PASSWORD})
        if "登录名或密码不正确" in page.text:
            body = registration("网签演示科技有限公司", self.rng, region="110108", location="北京市",
                                address="北京市海淀区中关村大街1号", postal_code="100080")
            page = form("/register", {**body, "loginEmail": self.DEMO_EMPLOYER_LOGIN, "password": self.DEMO_EMPLOYER_PASSWORD,
                                      "passwordConfirmation": self.DEMO_EMPLOYER_PASSWORD})
        found = re.search(r"用人单位 (E\d+)", page.text)
        if page.status_code != 200 or not found:
            log(f"the employer portal did not register the demo employer ({page.status_code}): {page.text[:300]}")
            return None
        employer_id = found.group(1)
        self.client.approve_employer(employer_id)
        first = self.signable()[0]
        self.client.wait_employer_selectable(first.id, employer_id, "网签演示", 60)
        waiting = [s for s in self.signable() if self.status(s) is None][-2:]
        for student in waiting:
            self.client.acknowledge_notices(student.id)
            self.client.save_draft(student.id, employer_id)
            self.client.submit(student.id)
        return employer_id

    def staff_directory(self) -> bool:
        """Uploads the staff directory (the demo's counselors and office) through the college portal's own upload
        page, signed in as the initial office account, as the employment office would. True when it worked."""
        base = self.client.urls["college"] + "/college"
        session = requests.Session()
        session.trust_env = False
        session.get(base + "/login", timeout=30)
        page = session.post(base + "/login/finish", timeout=30,
                            data={"identity": "office:OFFICE01:", "_csrf": session.cookies.get("wq_college_csrf")})
        if page.status_code != 200:
            log(f"the college portal's development login did not sign in ({page.status_code})")
            return False
        lines = ["staffID,name,role,collegeCode"]
        lines += [f"{staff},{college[1]}辅导员,辅导员,{code}" for college in COLLEGES
                  for code, (staff, _) in [(college[0], self.counselors[college[0]])]]
        lines.append(f"{DEMO_OFFICE},就业指导中心老师,就业指导中心,")
        session.get(base + "/office/staff", timeout=30)
        page = session.post(base + "/office/staff", timeout=60, data={"_csrf": session.cookies.get("wq_college_csrf")},
                            files={"file": ("staff.csv", ("\n".join(lines) + "\n").encode("utf-8"), "text/csv")})
        if page.status_code != 200 or "导入" not in page.text:
            log(f"the staff directory upload failed ({page.status_code}): {page.text[:300]}")
            return False
        return True

    def print_portals(self, employer_id: str | None) -> None:
        c = self.client
        free = next(s for s in self.signable() if self.status(s) is None)
        print("Portals (in a browser; the development login lists demo identities):")
        print(f"  学生 (students)            {c.urls['student']}/student/   e.g. 学号 {free.id}, or any listed student")
        if employer_id:
            print(f"  用人单位 (employers)       {c.urls['employer']}/employer/  登录名 {self.DEMO_EMPLOYER_LOGIN}  密码 {self.DEMO_EMPLOYER_PASSWORD}")
        else:
            print(f"  用人单位 (employers)       {c.urls['employer']}/employer/  (register an account there)")
        cs = self.counselors["CS"][0]
        print(f"  学院 (counselors, office)  {c.urls['college']}/college/   e.g. {cs} 计算机学院辅导员, or {DEMO_OFFICE} 就业指导中心")
        print(f"  就业指导中心: 用人单位注册审核 {c.urls['employer']}/employer/office/login  (signs on at the college portal as {DEMO_OFFICE})")
        print()

    def print_tokens(self) -> None:
        c = self.client
        pending_employer = self.approved[0]
        free = next(s for s in self.signable() if self.status(s) is None)
        blocked = next(s for s in self.students if s.row["reviewStatus"] == REVIEW_BLOCKING)
        counselor = self.counselors["CS"]
        people = [
            ("student with a draft (学生，已保存草稿)", "student", self.first("draft"), None, "student", "/v1/agreement"),
            ("student who can start (学生，可开始签约)", "student", free.id, None, "student", "/v1/me"),
            ("student blocked by review status (学生，生源未审核)", "student", blocked.id, None, "student", "/v1/me"),
            (f"employer with pending items (用人单位：{pending_employer[1][0]})", "employer", pending_employer[0], None,
             "employer", "/v1/agreements?view=pending"),
            ("counselor of 计算机学院 (辅导员)", "counselor", counselor[0], counselor[1], "college", "/v1/reviews?view=pending"),
            ("employment office (就业处)", "office", DEMO_OFFICE, None, "employer", "/v1/employers?status=pending"),
        ]
        print()
        print("Wangqian demo is ready.")
        for name in SERVICE_NAMES:
            print(f"  {name:<9} {c.urls[name]}   (OpenAPI: {c.urls[name]}/openapi.json)")
        print()
        for title, role, subject, college, service, path in people:
            token = c.token(role, subject, college)
            print(f"# {title}: {role} {subject}{' / ' + college if college else ''}")
            print(f"export TOKEN={token}")
            print(f"curl -s -H \"Authorization: Bearer $TOKEN\" '{c.urls[service]}{path}'")
            print()
        print("# a student saving a draft and submitting it (use the 'student who can start' token):")
        print(f"curl -s -X POST -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' "
              f"-d '{{\"signingNotice\": true, \"breachExplanation\": true}}' {c.urls['student']}/v1/me/notices")
        print(f"curl -s -H \"Authorization: Bearer $TOKEN\" '{c.urls['student']}/v1/employers?q=%E8%85%BE%E8%AE%AF'")
        print(f"curl -s -X PUT -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' "
              f"-d '{{\"employerID\": \"{pending_employer[0]}\", \"mobile\": \"13800138000\", \"email\": \"me@example.cn\"}}' "
              f"{c.urls['student']}/v1/agreement/draft")
        print(f"curl -s -X POST -H \"Authorization: Bearer $TOKEN\" {c.urls['student']}/v1/agreement/submit")
        print()

    def run(self) -> None:
        self.load_roster()
        self.load_employers()
        first_student = self.signable()[0]
        self.client.wait_student_known(first_student.id, 60)
        for employer_id, company in self.approved:
            self.client.wait_employer_selectable(first_student.id, employer_id, company[0], 60)
        self.load_agreements()
        counts = self.summary()
        log("agreements by status: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
        employer_id = self.portal_employer()
        self.staff_directory()
        self.print_tokens()
        self.print_portals(employer_id)


def main() -> int:
    urls = {name: os.environ.get(f"WANGQIAN_{name.upper()}_URL", f"http://127.0.0.1:{port}")
            for name, port in DEFAULT_PORTS.items()}
    client = Wangqian(urls, os.environ.get("WANGQIAN_JWT_SECRET") or DEVELOPMENT_SECRET)
    try:
        eventually(lambda: all(s == 200 for s in client.ready().values()), 60, what="all four services ready")
    except NotYet:
        print(f"the services are not all ready: {client.ready()}", file=sys.stderr)
        return 1
    Demo(client, os.environ.get("WANGQIAN_CLOCK_CONTROL") == "1").run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
