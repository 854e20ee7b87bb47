#!/usr/bin/env python3
"""Builds the OpenAPI 3.1 documents of the four Wangqian HTTP services.

    python3 docs/openapi/generate.py            # writes into the repository
    python3 docs/openapi/generate.py --out DIR  # writes the same tree under DIR (the tests compare the two)

Writes `Services/{student,employer,college,scheduler}/openapi.json` (pretty, sorted keys, UTF-8); Package.swift
embeds each in its executable (`.embedInCode`), which serves it at `GET /openapi.json`.

The shared parts (error body, agreement view, summaries, command answers, health, digest, bearer security) are
written once below; each document keeps only the components its operations reference. The contract is
docs/api.md; the field names follow the Swift types (synthesized Codable: property names; String enums: raw
values; a nil optional is omitted, so optional fields are "absent or null").
Standard library only.
"""
from __future__ import annotations

import argparse
import copy
import json
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

OPENAPI_VERSION = "3.1.0"
API_VERSION = "1.0.0"


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    """An optional value: absent (Swift omits nil) or, as clients may also send or see, null."""
    if "$ref" in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    s = copy.deepcopy(schema)
    t = s.get("type")
    if isinstance(t, str):
        s["type"] = [t, "null"]
    else:
        return {"anyOf": [s, {"type": "null"}]}
    if "enum" in s:
        s["enum"] = s["enum"] + [None]
    return s


def obj(properties: dict, required: list[str] | None = None, *, description: str | None = None,
        closed: bool = False, **extra) -> dict:
    s: dict = {"type": "object", "properties": properties}
    if required:
        s["required"] = required
    if description:
        s["description"] = description
    if closed:
        s["additionalProperties"] = False
    s.update(extra)
    return s


def text(description: str, *, max_length: int | None = None, min_length: int | None = None,
         pattern: str | None = None, fmt: str | None = None, examples: list | None = None, **extra) -> dict:
    """A string. One with a length limit is a field the domain validates: without a pattern or format of its own it
    gets NO_CONTROL (the domain refuses control characters in every text)."""
    s: dict = {"type": "string", "description": description}
    if min_length is not None:
        s["minLength"] = min_length
    if max_length is not None:
        s["maxLength"] = max_length
    if pattern is None and fmt is None and (min_length is not None or max_length is not None):
        pattern = NO_CONTROL
    if pattern:
        s["pattern"] = pattern
    if fmt:
        s["format"] = fmt
    if examples:
        s["examples"] = examples
    s.update(extra)
    return s


# ---------------------------------------------------------------------------------------------------------------
# Validation rules of the domain (Shared/Domain/AgreementValidation.swift: what the services check and answer 422
# `validation_failed` for). Values are trimmed before they are checked; lengths count characters.

# AgreementValidation.containsForbiddenControl: every text refuses Unicode's control characters (Cc) except tab and
# line feed; query parameters too (RequestBody.query, which also caps them at QUERY_MAX characters after trimming).
NO_CONTROL = r"^[^\u0000-\u0008\u000B-\u001F\u007F-\u009F]*$"
QUERY_MAX = 50
MOBILE = r"^1[3-9]\d{9}$"
POSTAL_CODE = r"^[1-9]\d{5}$"
# AgreementValidation.isPhone: a mobile; a landline with area code (0 + 2–3 digits, second not 0) and a 7–8 digit
# number not starting with 0/1, written `010-62751407` (optionally `-extension`), `010 62751407` or `01062751407`;
# or a 400/800 service number (10 digits, single dashes allowed).
PHONE = (r"^(?:1[3-9]\d{9}"
         r"|0[1-9]\d{1,2}-[2-9]\d{6,7}(?:-\d{1,6})?"
         r"|0[1-9]\d{1,2} [2-9]\d{6,7}"
         r"|0[1-9]\d{1,2}[2-9]\d{6,7}"
         r"|[48]-?0-?0(?:-?\d){7})$")
# 统一社会信用代码 (GB 32100-2015): 18 characters of the code's alphabet (no I, O, S, V, Z), the last a check
# character (not expressible here). The service upper-cases it first.
CREDIT_CODE = r"^[0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{18}$"
EMAIL_MAX = 254
AGREEMENT_NUMBER = r"^20\d{2}\d{5}\d{6}$"
NAME_MAX, OPINION_MAX, REMARKS_MAX, ADDRESS_MAX = 100, 500, 1000, 200

# Examples.
STUDENT_ID = "2026000001"
EMPLOYER_ID = "E0001"
AGREEMENT_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:wangqian:agreement")
AGREEMENT_ID = str(uuid.uuid5(AGREEMENT_NAMESPACE, f"{STUDENT_ID}#1"))  # AgreementID.forStudent("2026000001")
COMMAND_ID = "0b8f6a52-3c1e-4d3a-9f27-5a4e2c9d1b70"
EVENT_IDS = ["3d0c1f9e-8a47-4e52-b1a6-2f9d7c31e0a4", "8e2b6d15-0f3c-4a9e-9d71-c54a2b8f61e3",
             "c7a41e02-95bd-4f36-a8c0-1e6d3b9f2a57", COMMAND_ID]

STUDENT_EXAMPLE = {"studentID": STUDENT_ID, "name": "张三", "gender": "男", "collegeCode": "CS",
                   "collegeName": "计算机学院", "major": "软件工程", "degree": "本科", "graduationYear": 2026,
                   "reviewStatus": "审核完成"}
EMPLOYER_EXAMPLE = {"employerID": EMPLOYER_ID, "name": "深圳市腾讯计算机系统有限公司",
                    "creditCode": "91440300708461136T", "type": "民营企业", "industry": "信息传输、软件和信息技术服务业",
                    "location": "广东省深圳市", "contactPerson": "李四", "contactPhone": "0755-86013388",
                    "address": "深圳市南山区海天二路33号腾讯滨海大厦", "postalCode": "518054"}
FORM_EXAMPLE = {"mobile": "13800138000", "email": "zhangsan@stu.example.edu.cn", "personalOpinion": "同意",
                "jobTitle": "后台开发工程师", "workLocation": "广东省深圳市",
                "remarks": "月薪 25000 元，合同期三年，违约金 5000 元"}
REVIEW_EXAMPLE = {"contactPerson": "刘老师", "contactPhone": "13601012345", "postalCode": "100871",
                  "mailingAddress": "北京市海淀区颐和园路5号 学生就业指导服务中心"}
AGREEMENT_VIEW_EXAMPLE = {
    "id": AGREEMENT_ID, "status": "employerSigned", "statusName": "单位已签约", "version": 3,
    "studentID": STUDENT_ID, "student": STUDENT_EXAMPLE, "employerID": EMPLOYER_ID, "employer": EMPLOYER_EXAMPLE,
    "form": FORM_EXAMPLE, "noticesAcknowledged": True,
    "employerSection": {"employer": EMPLOYER_EXAMPLE, "employerOpinion": "同意接收该生"},
    "signingRound": 1, "lastSignedAt": "2026-03-02T10:15:00.000Z", "copiesPrinted": 0, "copiesAllowed": 3,
    "updatedAt": "2026-03-02T10:15:00.000Z",
    "timeline": [
        {"eventID": EVENT_IDS[0], "type": "draftSaved", "actor": {"role": "student", "id": STUDENT_ID},
         "at": "2026-03-01T08:00:00.000Z", "outcome": "applied"},
        {"eventID": EVENT_IDS[1], "type": "submitted", "actor": {"role": "student", "id": STUDENT_ID},
         "at": "2026-03-01T08:05:00.000Z", "outcome": "applied"},
        {"eventID": EVENT_IDS[3], "type": "employerSigned", "actor": {"role": "employer", "id": EMPLOYER_ID},
         "at": "2026-03-02T10:15:00.000Z", "outcome": "applied"},
    ],
}
SUMMARY_EXAMPLE = {"id": AGREEMENT_ID, "studentID": STUDENT_ID, "studentName": "张三", "collegeCode": "CS",
                   "employerID": EMPLOYER_ID, "employerName": "深圳市腾讯计算机系统有限公司", "status": "submitted",
                   "statusName": "待单位签约", "version": 2, "updatedAt": "2026-03-01T08:05:00.000Z"}

# ---------------------------------------------------------------------------------------------------------------
# Error codes: (default HTTP status, when it is answered, an example zh-CN message).

ERROR_CODES: dict[str, tuple[int, str, str]] = {
    "malformed_body": (400, "the body is empty, not JSON (or not UTF-8), or a field has the wrong type",
                       "请求内容不是有效的 JSON"),
    "unauthenticated": (401, "the bearer token is missing, malformed, expired, unsigned or signed with another key",
                        "登录凭证无效或已过期，请重新登录"),
    "forbidden": (403, "the token's role is not served by this endpoint", "当前身份无权执行此操作"),
    "not_permitted": (403, "a workflow rule does not let this caller do this to this agreement",
                      "无权对该协议进行“确定签约”操作"),
    "not_found": (404, "no such record, or one the caller may not see (its existence is not revealed)",
                  "没有找到该协议"),
    "student_not_found": (404, "the calling student is not on the roster", "没有找到你的学籍信息，请联系学院老师"),
    "body_too_large": (413, "the body exceeds 8 MiB", "请求内容过大"),
    "validation_failed": (422, "a required field is missing or a value breaks a rule; `field` names it",
                          "联系电话格式不正确"),
    "employer_not_available": (409, "the chosen employer does not exist or is not approved",
                               "所选单位不存在或尚未通过审核"),
    "invalid_state": (409, "the agreement's status does not allow this step (`status` names it)",
                      "协议当前状态为“学生已确认”，不能退回/拒绝签约"),
    "review_status_blocks_signing": (409, "the student's 生源信息审核状态 is neither 审核完成 nor 待就业处审核",
                                     "生源信息审核状态为“待学院审核”，暂不能签约（须为“审核完成”或“待就业处审核”），请联系学院老师"),
    "notices_not_acknowledged": (409, "签约须知 and 违约说明 have not both been read", "请先阅读签约须知和违约说明"),
    "employer_locked": (409, "the employer cannot be changed after submission (until a return)",
                        "已正式提交给用人单位，不能更换签约单位；如需更换，请联系单位退回"),
    "copy_limit_reached": (409, "every authorised copy has been printed", "协议书已打印3份，不可多打；如需补打，请联系学院重新授权"),
    "window_not_elapsed": (409, "the seven-day confirmation window has not elapsed (automatic confirmation only)",
                           "用人单位签约未满七日，不能自动确认"),
    "stale_signing_round": (409, "the step names a signing round that is no longer the current one (the employer "
                                 "took the agreement back or re-signed)", "用人单位已重新签约（第2次签约），请刷新后重试"),
    "number_mismatch": (409, "the agreement already has another agreement number", "该协议书已分配协议书号，不能更改"),
    "stale_draft": (409, "the draft changed after the submission was decided (refresh and submit again)",
                    "签约信息已修改，请刷新后重新提交"),
    "stale_copy_number": (409, "another copy was recorded meanwhile (refresh and retry)",
                          "打印份数已变化，请刷新后重试"),
    "agreement_mismatch": (409, "an event named another agreement or student (internal consistency check)",
                           "该记录不属于此协议"),
    "method_not_allowed": (405, "the path exists but not with this method (`Allow` lists the methods)",
                           "该地址不支持 DELETE 请求"),
    "unsupported_media_type": (415, "the body is not declared as the media type the endpoint takes (`application/json`, "
                                    "or `text/csv` for the roster)", "请求内容类型必须是 application/json"),
    "event_too_large": (422, "the event this command would emit exceeds the contract's 256 KiB record limit",
                        "内容过多，无法保存"),
    "command_failed": (422, "the command's event could never be published or applied (parked; see `GET /v1/status`)",
                       "操作未能完成：系统无法发布或应用该操作"),
}

STATUS_TITLES = {
    400: "Malformed request", 401: "Not authenticated", 403: "Forbidden", 404: "Not found",
    405: "Method not allowed", 409: "Refused by a workflow rule", 413: "Body too large",
    415: "Unsupported media type", 422: "Invalid input",
}


def error_response(status: int, codes: list[str], note: str | None = None,
                   invalid: tuple[str, str] | None = None, refused: tuple[str, str] | None = None) -> dict:
    lines = [f"{STATUS_TITLES[status]}. Error codes:"]
    for code in codes:
        lines.append(f"- `{code}`: {ERROR_CODES[code][1]}")
    if note:
        lines.append("")
        lines.append(note)
    first = codes[0]
    detail = {"code": first, "message": ERROR_CODES[first][2]}
    if first == "validation_failed" and invalid:
        detail["field"], detail["message"] = invalid
    if status == 409:
        detail["status"] = "confirmed"
        if first == "invalid_state" and refused:
            detail["status"], detail["message"] = refused
    return {"description": "\n".join(lines),
            "content": {"application/json": {"schema": ref("Error"), "example": {"error": detail}}}}


def errors(spec: dict[int, list[str]], notes: dict[int, str] | None = None,
           invalid: tuple[str, str] | None = None, refused: tuple[str, str] | None = None) -> dict:
    """Error responses by status; `invalid` is the (field, message) of the 422 example, `refused` the (agreement
    status, message) of the 409 `invalid_state` example."""
    notes = notes or {}
    return {str(status): error_response(status, codes, notes.get(status), invalid, refused)
            for status, codes in sorted(spec.items())}


STATUS_NAMES = {"draft": "草稿（未提交）", "submitted": "待单位签约", "returned": "已退回", "employerSigned": "单位已签约",
                "confirmed": "学生已确认", "approved": "学院审核通过", "printed": "已打印", "filed": "已备案"}


def refused_in(status: str, step: str, detail: str | None = None) -> tuple[str, str]:
    """The domain's `invalid_state` refusal of `step` (its zh-CN button name) in `status`."""
    return status, f"协议当前状态为“{STATUS_NAMES[status]}”，不能{step}" + (f"：{detail}" if detail else "")


RACE_NOTE = ("A 409 is also the answer when another party's event reached the log first and the projection "
             "refused this command (the race's loser); nothing changed.")

# ---------------------------------------------------------------------------------------------------------------
# Shared components.


def shared_schemas() -> dict:
    s: dict = {}
    s["Error"] = obj({
        "error": obj({
            "code": text("Stable, machine-readable code: " + ", ".join(f"`{c}`" for c in ERROR_CODES)
                         + " (and `internal`/`unavailable` for server faults).",
                         examples=["validation_failed"]),
            "message": text("What went wrong, in zh-CN, for the user.", examples=["联系电话格式不正确"]),
            "field": text("The offending input field, when there is one (dotted path for nested fields).",
                          examples=["contactPhone"]),
            "status": nullable(ref("AgreementStatus")) | {
                "description": "The agreement status a workflow rule refused in, for domain refusals."},
        }, ["code", "message"]),
    }, ["error"], description="The body of every 4xx/5xx answer produced by the services.")
    s["AgreementStatus"] = {
        "type": "string",
        "enum": ["draft", "submitted", "returned", "employerSigned", "confirmed", "approved", "printed", "filed"],
        "description": ("Where an agreement is in the workflow (wire form). Display names: draft 草稿（未提交）, "
                        "submitted 待单位签约, returned 已退回, employerSigned 单位已签约, confirmed 学生已确认, "
                        "approved 学院审核通过, printed 已打印, filed 已备案."),
    }
    s["SourceReviewStatus"] = {
        "type": "string", "enum": ["审核完成", "待就业处审核", "待学院审核", "审核不通过", "未提交"],
        "description": "生源信息审核状态 (roster). Only 审核完成 and 待就业处审核 permit signing.",
    }
    s["StudentSnapshot"] = obj({
        "studentID": text("学号.", examples=[STUDENT_ID]),
        "name": text("姓名.", examples=["张三"]),
        "gender": text("性别.", examples=["男"]),
        "collegeCode": text("学院代码.", examples=["CS"]),
        "collegeName": text("学院名称.", examples=["计算机学院"]),
        "major": text("专业.", examples=["软件工程"]),
        "degree": text("学历层次.", examples=["本科"]),
        "graduationYear": {"type": "integer", "description": "毕业年份.", "examples": [2026]},
        "reviewStatus": ref("SourceReviewStatus"),
    }, ["studentID", "name", "gender", "collegeCode", "collegeName", "major", "degree", "graduationYear",
        "reviewStatus"], description="The student's basic information (基本信息) from the roster; read-only for the "
                                     "student.", examples=[STUDENT_EXAMPLE])
    s["EmployerSnapshot"] = obj({
        "employerID": text("单位编号 (the employer's token subject).", min_length=1, max_length=NAME_MAX,
                           examples=[EMPLOYER_ID]),
        "name": text("单位名称.", min_length=1, max_length=NAME_MAX, examples=["深圳市腾讯计算机系统有限公司"]),
        "creditCode": text("统一社会信用代码 (18 characters, GB 32100-2015; upper-cased by the service).",
                           pattern=CREDIT_CODE, examples=["91440300708461136T"]),
        "type": text("单位性质, e.g. 国有企业, 民营企业, 机关.", min_length=1, max_length=NAME_MAX, examples=["民营企业"]),
        "industry": text("所属行业.", min_length=1, max_length=NAME_MAX, examples=["信息传输、软件和信息技术服务业"]),
        "location": text("单位所在地.", min_length=1, max_length=ADDRESS_MAX, examples=["广东省深圳市"]),
        "contactPerson": text("联系人.", min_length=1, max_length=NAME_MAX, examples=["李四"]),
        "contactPhone": text("联系电话: a mobile number, a landline with area code (optionally `-extension`) or a "
                             "400/800 number.", pattern=PHONE, examples=["0755-86013388", "13800138000"]),
        "address": text("单位地址.", min_length=1, max_length=ADDRESS_MAX, examples=["深圳市南山区海天二路33号"]),
        "postalCode": text("邮政编码.", pattern=POSTAL_CODE, examples=["518054"]),
        "archiveAddress": nullable(text("档案转寄地址; absent when the archive goes to the employer's address.",
                                        max_length=ADDRESS_MAX)),
    }, ["employerID", "name", "creditCode", "type", "industry", "location", "contactPerson", "contactPhone",
        "address", "postalCode"], description="An employer's information (用人单位情况).",
        examples=[EMPLOYER_EXAMPLE])
    s["StudentForm"] = obj({
        "mobile": text("手机号.", pattern=MOBILE, examples=["13800138000"]),
        "email": text("电子邮箱 (`local@domain.tld`).", fmt="email", max_length=EMAIL_MAX,
                      examples=["zhangsan@stu.example.edu.cn"]),
        "personalOpinion": text("本人意见; 同意 by default.", min_length=1, max_length=OPINION_MAX, default="同意"),
        "jobTitle": nullable(text("工作岗位.", max_length=NAME_MAX)),
        "workLocation": nullable(text("工作地点.", max_length=ADDRESS_MAX)),
        "remarks": nullable(text("备注: extra terms such as salary, contract term, agreed breach penalty.",
                                 max_length=REMARKS_MAX)),
    }, ["mobile", "email", "personalOpinion"], description="What the student fills in (step 1).",
        examples=[FORM_EXAMPLE])
    s["EmployerSection"] = obj({
        "employer": ref("EmployerSnapshot"),
        "employerOpinion": text("用人单位意见.", min_length=1, max_length=OPINION_MAX, examples=["同意接收该生"]),
        "supervisorOpinion": nullable(text("主管部门意见.", max_length=OPINION_MAX)),
    }, ["employer", "employerOpinion"],
        description="The section the employer completes when signing (用人单位情况及意见).")
    s["CollegeReview"] = obj({
        "contactPerson": text("学校联系人.", min_length=1, max_length=NAME_MAX, examples=["刘老师"]),
        "contactPhone": text("联系电话: a mobile number, a landline with area code (optionally `-extension`) or a "
                             "400/800 number.", pattern=PHONE, examples=["13601012345", "010-62751407"]),
        "postalCode": text("邮政编码.", pattern=POSTAL_CODE, examples=["100871"]),
        "mailingAddress": text("协议书邮寄地址.", min_length=1, max_length=ADDRESS_MAX,
                               examples=["北京市海淀区颐和园路5号 学生就业指导服务中心"]),
    }, ["contactPerson", "contactPhone", "postalCode", "mailingAddress"],
        description="The four fields of the college's approval (通过), all required.", examples=[REVIEW_EXAMPLE])
    s["Actor"] = obj({
        "role": {"type": "string", "enum": ["student", "employer", "counselor", "office", "system"]},
        "id": text("Student ID, employer ID, staff ID, or the system component (`scheduler`).",
                   examples=[STUDENT_ID]),
        "collegeCode": text("The counselor's college (counselors only)."),
    }, ["role", "id"], description="Who issued an event.")
    s["RecordedReason"] = obj({
        "kind": {"type": "string", "enum": ["employerReturned", "employerTookBack", "collegeReturned",
                                            "reprintAuthorised"]},
        "reason": text("The reason as given.", examples=["岗位信息与本单位招聘计划不符，请核实后重新选择签约单位"]),
        "by": ref("Actor"),
        "at": {"type": "string", "format": "date-time"},
    }, ["kind", "reason", "by", "at"], description="The last return, take-back or reprint reason, shown to the other party.")
    s["TimelineEntry"] = obj({
        "eventID": {"type": "string", "format": "uuid"},
        "type": text("The event type.", examples=["employerSigned"]),
        "actor": ref("Actor"),
        "at": {"type": "string", "format": "date-time"},
        "outcome": {"type": "string", "enum": ["applied", "refused"]},
        "code": nullable(text("The refusal code (refused events).")),
        "reason": nullable(text("The refusal message (refused events).")),
    }, ["eventID", "type", "actor", "at", "outcome"], description="One line of the audit trail, in log order.")
    optional_date = nullable({"type": "string", "format": "date-time"})
    s["Agreement"] = obj({
        "id": {"type": "string", "format": "uuid", "description": "The agreement ID (derived from the student ID)."},
        "status": ref("AgreementStatus"),
        "version": {"type": "integer", "minimum": 1, "description": "Number of events applied."},
        "studentID": text("学号.", examples=[STUDENT_ID]),
        "student": ref("StudentSnapshot"),
        "employerID": nullable(text("The chosen employer's ID.")),
        "employer": nullable(ref("EmployerSnapshot")) | {"description": "The employer the student chose."},
        "form": ref("StudentForm"),
        "noticesAcknowledged": {"type": "boolean", "description": "签约须知 and 违约说明 were read before submission."},
        "employerSection": nullable(ref("EmployerSection")),
        "signingRound": {"type": "integer", "minimum": 0, "description": "1 after the first employer signing."},
        "lastSignedAt": optional_date,
        "confirmedBy": nullable({"type": "string", "enum": ["student", "auto"]}),
        "confirmedAt": optional_date,
        "review": nullable(ref("CollegeReview")),
        "reviewedBy": nullable(text("Staff ID of whoever approved.")),
        "approvedAt": optional_date,
        "agreementNumber": nullable(text("协议书号: year + school code + 6-digit serial; assigned once.",
                                         pattern=AGREEMENT_NUMBER, examples=["202610001000123"])),
        "copiesPrinted": {"type": "integer", "minimum": 0},
        "copiesAllowed": {"type": "integer", "minimum": 0, "description": "3 (一式三份) unless re-authorised."},
        "filedAt": optional_date,
        "lastReason": nullable(ref("RecordedReason")),
        "updatedAt": {"type": "string", "format": "date-time"},
    }, ["id", "status", "version", "studentID", "student", "form", "noticesAcknowledged", "signingRound",
        "copiesPrinted", "copiesAllowed", "updatedAt"],
        description=("The agreement's state as every projection holds it (Shared/Domain/Agreement.swift). Optional "
                     "fields are absent when unset. Clients should ignore properties they do not know."))
    s["AgreementView"] = {
        "description": "The agreement as every API shows it: its state, its status in Chinese, and its timeline.",
        "allOf": [ref("Agreement"), obj({
            "statusName": text("The status as users see it.", examples=["待单位签约"]),
            "timeline": {"type": "array", "items": ref("TimelineEntry"),
                         "description": "The complete audit trail in log order, refused events included."},
        }, ["statusName"])],
    }
    s["AgreementSummary"] = obj({
        "id": {"type": "string", "format": "uuid"},
        "studentID": text("学号."),
        "studentName": text("姓名."),
        "collegeCode": text("学院代码."),
        "employerID": nullable(text("单位编号.")),
        "employerName": nullable(text("单位名称.")),
        "status": ref("AgreementStatus"),
        "statusName": text("The status as users see it."),
        "agreementNumber": nullable(text("协议书号.", pattern=AGREEMENT_NUMBER)),
        "version": {"type": "integer"},
        "updatedAt": {"type": "string", "format": "date-time"},
    }, ["id", "studentID", "studentName", "collegeCode", "status", "statusName", "version", "updatedAt"],
        description="One line of a list (待签约信息, 已签约信息, the review queue, filing search).",
        examples=[SUMMARY_EXAMPLE])
    s["AgreementList"] = obj({"agreements": {"type": "array", "items": ref("AgreementSummary"),
                                             "description": "Newest first, at most 200."}}, ["agreements"])
    s["CommandResponse"] = obj({
        "outcome": {"type": "string", "enum": ["applied", "unchanged", "pending"],
                    "description": ("`applied`: this service's projection applied the command; `unchanged`: it "
                                    "repeated the current state, nothing was emitted; `pending` (202): recorded, "
                                    "not yet applied here, poll `Location`.")},
        "commandId": {"type": "string", "format": "uuid", "description": "Absent for `unchanged`."},
        "agreement": ref("AgreementView") | {
            "description": "The agreement after the command (absent when pending)."},
    }, ["outcome"], description="The answer to a command.")
    s["CommandStatus"] = obj({
        "commandId": {"type": "string", "format": "uuid"},
        "outcome": {"type": "string", "enum": ["pending", "applied", "refused", "failed"],
                    "description": "`failed`: the command's event could never be published or applied (it was parked "
                                   "with its reason; see `GET /v1/status`)."},
        "error": obj({"code": text("The refusal code (`command_failed` when failed)."), "message": text("The refusal, zh-CN.")},
                     ["code", "message"], description="Present when refused or failed."),
    }, ["commandId", "outcome"], description="The outcome of an earlier command, as this service's projection saw it.")
    s["Liveness"] = obj({"status": {"type": "string", "const": "ok"}, "service": text("The service name.")},
                        ["status", "service"], examples=[{"status": "ok", "service": "student"}])
    s["Health"] = obj({
        "status": {"type": "string", "enum": ["ready", "not_ready"]},
        "service": text("The service name.", examples=["student"]),
        "database": {"type": "string", "enum": ["ok", "unavailable"]},
        "consumerStarted": {"type": "boolean", "description": "The Kafka consumers have started."},
        "eventsApplied": {"type": "integer", "minimum": 0, "description": "Events applied since start."},
        "outboxBacklog": nullable({"type": "integer", "minimum": 0,
                                   "description": "Outbox records not yet published (absent when the database is down)."}),
        "problem": text("Why the service cannot make progress, when not ready."),
    }, ["status", "service", "database", "consumerStarted", "eventsApplied"],
        examples=[{"status": "ready", "service": "student", "database": "ok", "consumerStarted": True,
                   "eventsApplied": 42, "outboxBacklog": 0}])
    s["ServiceStatus"] = obj({
        "service": text("The service name.", examples=["college"]),
        "profile": {"type": "string", "enum": ["production", "development"]},
        "ready": {"type": "boolean", "description": "As `/health/ready`: false only when no progress is possible."},
        "problem": text("Why the service cannot make progress, when it cannot."),
        "database": {"type": "string", "enum": ["ok", "unavailable"]},
        "outbox": {"type": "array", "description": "The outbox per topic (lane).", "items": obj({
            "topic": text("The topic."),
            "unpublished": {"type": "integer", "minimum": 0},
            "oldestUnpublishedAgeSeconds": nullable({"type": "number", "minimum": 0}),
            "awaitingReadBack": {"type": "integer", "minimum": 0,
                                 "description": "Acknowledged by the broker, not yet read back from the log."},
            "republished": {"type": "integer", "minimum": 0,
                            "description": "Publications repeated because the log did not show an acknowledged record."},
            "parked": {"type": "integer", "minimum": 0},
        }, ["topic", "unpublished", "awaitingReadBack", "republished", "parked"])},
        "parkedEvents": {"type": "array", "description": "The latest parked events (never published again).",
                         "items": obj({"eventID": {"type": "string", "format": "uuid"}, "topic": text("The topic."),
                                       "key": text("The record key."), "parkedAt": {"type": "string", "format": "date-time"},
                                       "reason": text("Why it was parked.")},
                                      ["eventID", "topic", "key", "parkedAt", "reason"])},
        "consumers": {"type": "array", "items": obj({
            "name": text("The consumer (`<service>.agreements`, `<service>.reference`)."),
            "state": {"type": "string", "enum": ["starting", "running", "retrying", "offsetsBeyondLog", "stopped"]},
            "reason": text("Why it is retrying, or which offsets lie beyond the log."),
            "since": {"type": "string", "format": "date-time"},
            "eventsApplied": {"type": "integer", "minimum": 0},
            "deadLettered": {"type": "integer", "minimum": 0},
        }, ["name", "state", "since", "eventsApplied", "deadLettered"])},
        "deadLetters": nullable({"type": "integer", "minimum": 0, "description": "Rows of the dead_letters table."}),
        "advice": {"type": "array", "items": {"type": "string"}, "description": "What to do about the problems shown."},
    }, ["service", "profile", "ready", "database", "outbox", "parkedEvents", "consumers", "advice"],
        description="What an operator needs to see of one service.")
    s["ProjectionDigest"] = obj({
        "service": text("The service (or `replay` for wangqianctl replay).", examples=["college"]),
        "agreements": {"type": "array", "description": "The whole projection, sorted by id.", "items": obj({
            "id": {"type": "string", "format": "uuid"},
            "status": ref("AgreementStatus"),
            "version": {"type": "integer"},
            "state": ref("Agreement"),
        }, ["id", "status", "version", "state"])},
        "eventsApplied": nullable({"type": "integer", "minimum": 0}),
    }, ["service", "agreements"],
        description="A whole projection, for comparing services with each other and with a replay of the log.")
    s["ReasonRequest"] = obj({"reason": text("The reason, shown to the other party (mandatory).", min_length=1,
                                             max_length=OPINION_MAX)}, ["reason"])
    return s


def service_schemas() -> dict:
    s: dict = {}
    # student
    s["Notices"] = obj({"signingNotice": {"type": "boolean", "description": "签约须知 read."},
                        "breachExplanation": {"type": "boolean", "description": "违约说明 read."}},
                       ["signingNotice", "breachExplanation"], examples=[{"signingNotice": True,
                                                                          "breachExplanation": True}])
    s["Me"] = obj({
        "student": ref("StudentSnapshot"),
        "reviewStatus": ref("SourceReviewStatus"),
        "canSign": {"type": "boolean", "description": "The review status permits signing."},
        "notices": ref("Notices"),
        "agreementID": {"type": "string", "format": "uuid", "description": "The ID the student's agreement has "
                                                                           "(or will have)."},
    }, ["student", "reviewStatus", "canSign", "notices", "agreementID"],
        examples=[{"student": STUDENT_EXAMPLE, "reviewStatus": "审核完成", "canSign": True,
                   "notices": {"signingNotice": True, "breachExplanation": False}, "agreementID": AGREEMENT_ID}])
    s["DraftRequest"] = obj({
        "employerID": text("The chosen employer (must exist and be approved).", min_length=1, examples=[EMPLOYER_ID]),
        "mobile": text("手机号.", pattern=MOBILE, examples=["13800138000"]),
        "email": text("电子邮箱 (`local@domain.tld`).", fmt="email", max_length=EMAIL_MAX,
                      examples=["zhangsan@stu.example.edu.cn"]),
        "personalOpinion": nullable(text("本人意见; 同意 when absent or blank.", max_length=OPINION_MAX)),
        "jobTitle": nullable(text("工作岗位.", max_length=NAME_MAX)),
        "workLocation": nullable(text("工作地点.", max_length=ADDRESS_MAX)),
        "remarks": nullable(text("备注.", max_length=REMARKS_MAX)),
    }, ["employerID", "mobile", "email"])
    s["EmployerList"] = obj({"employers": {"type": "array", "items": ref("EmployerSnapshot")}}, ["employers"])
    # employer
    registration = copy.deepcopy(shared_schemas()["EmployerSnapshot"])
    del registration["properties"]["employerID"]
    registration["required"].remove("employerID")
    registration["description"] = "The caller's organisation; its employer ID is the token's `sub`."
    registration["examples"] = [{k: v for k, v in EMPLOYER_EXAMPLE.items() if k != "employerID"}]
    s["RegistrationRequest"] = registration
    s["EmployerAccount"] = obj({
        "employerID": text("单位编号.", examples=[EMPLOYER_ID]),
        "status": {"type": "string", "enum": ["pending", "approved"]},
        "employer": ref("EmployerSnapshot"),
        "registeredAt": {"type": "string", "format": "date-time"},
        "approvedAt": nullable({"type": "string", "format": "date-time"}),
    }, ["employerID", "status", "employer", "registeredAt"], description="A registration and its status.")
    s["EmployerAccountList"] = obj({"employers": {"type": "array", "items": ref("EmployerAccount")}}, ["employers"])
    s["PendingCount"] = obj({"unhandled": {"type": "integer", "minimum": 0,
                                           "description": "Agreements awaiting the caller's signature."}},
                            ["unhandled"], examples=[{"unhandled": 3}])
    s["SignRequest"] = obj({
        "employerOpinion": text("用人单位意见.", min_length=1, max_length=OPINION_MAX, examples=["同意接收该生"]),
        "supervisorOpinion": nullable(text("主管部门意见.", max_length=OPINION_MAX)),
        "employer": nullable(ref("EmployerSnapshot")) | {
            "description": ("The corrected employer section; absent: what the student chose. Decoded as a whole "
                            "employer record, so `employerID` must be present, but it is replaced by the caller's "
                            "ID.")},
    }, ["employerOpinion"])
    s["BatchSignRequest"] = obj({
        "agreementIDs": {"type": "array", "minItems": 1, "maxItems": 200,
                         "items": {"type": "string", "description": "An agreement ID (UUID); anything else is "
                                                                    "that item's `not_found`."}},
        "employerOpinion": text("用人单位意见.", min_length=1, max_length=OPINION_MAX),
        "supervisorOpinion": nullable(text("主管部门意见.", max_length=OPINION_MAX)),
    }, ["agreementIDs", "employerOpinion"])
    s["BatchSignResponse"] = obj({
        "results": {"type": "array", "description": "One per requested ID, in request order.", "items": obj({
            "agreementID": text("As requested."),
            "outcome": {"type": "string", "enum": ["applied", "pending", "unchanged", "refused"]},
            "commandId": {"type": "string", "format": "uuid"},
            "error": obj({"code": text("The refusal code (`internal` for a server fault)."),
                          "message": text("zh-CN.")}, ["code", "message"]),
        }, ["agreementID", "outcome"])},
        "applied": {"type": "integer", "description": "Items not refused."},
        "failed": {"type": "integer", "description": "Items refused."},
    }, ["results", "applied", "failed"],
        examples=[{"results": [{"agreementID": AGREEMENT_ID, "outcome": "applied", "commandId": COMMAND_ID}],
                   "applied": 1, "failed": 0}])
    # college
    s["RosterImportReport"] = obj({
        "imported": {"type": "integer", "minimum": 0},
        "rejected": {"type": "integer", "minimum": 0},
        "rows": {"type": "array", "items": obj({
            "row": {"type": "integer", "description": "Line number in the file (the header is line 1)."},
            "studentID": text("The row's student ID, when it has one."),
            "outcome": {"type": "string", "enum": ["imported", "rejected"]},
            "error": text("Why the row was rejected, zh-CN.", examples=["毕业年份不正确"]),
        }, ["row", "outcome"])},
    }, ["imported", "rejected", "rows"],
        examples=[{"imported": 1, "rejected": 1, "rows": [
            {"row": 2, "studentID": STUDENT_ID, "outcome": "imported"},
            {"row": 3, "studentID": "2026000002", "outcome": "rejected", "error": "性别只能是“男”或“女”"}]}])
    s["RosterRecord"] = obj({"student": ref("StudentSnapshot")}, ["student"])
    s["ReviewPrefill"] = obj({"review": nullable(ref("CollegeReview")) | {
        "description": "This counselor's most recent review fields; absent when none."}})
    s["ReprintRequest"] = obj({
        "extraCopies": {"type": "integer", "minimum": 1, "maximum": 3, "examples": [1],
                        "description": "Copies to add (1–3)."},
        "reason": text("Why (mandatory, recorded).", min_length=1, max_length=OPINION_MAX, examples=["打印时卡纸"]),
    }, ["extraCopies", "reason"])
    # scheduler
    s["Timer"] = obj({
        "agreementID": {"type": "string", "format": "uuid"},
        "signingRound": {"type": "integer"},
        "dueAt": {"type": "string", "format": "date-time"},
        "status": {"type": "string", "enum": ["pending", "fired", "cancelled"]},
        "eventID": nullable({"type": "string", "format": "uuid"}),
        "note": nullable(text("e.g. `superseded`.")),
    }, ["agreementID", "signingRound", "dueAt", "status"], description="A seven-day auto-confirmation timer.")
    s["TimerList"] = obj({"timers": {"type": "array", "items": ref("Timer"),
                                     "description": "By due time, at most 500."}}, ["timers"])
    s["Clock"] = obj({
        "now": {"type": "string", "format": "date-time"},
        "offsetSeconds": {"type": "number", "description": "How far the clock runs ahead of real time."},
        "controllable": {"type": "boolean", "description": "Started with WANGQIAN_CLOCK_CONTROL=1."},
    }, ["now", "offsetSeconds", "controllable"],
        examples=[{"now": "2026-03-09T10:15:00.000Z", "offsetSeconds": 604800, "controllable": True}])
    s["AdvanceRequest"] = obj({"seconds": {"type": "number", "exclusiveMinimum": 0, "maximum": 366 * 24 * 3600,
                                           "examples": [604800]}}, ["seconds"])
    return s


# ---------------------------------------------------------------------------------------------------------------
# Operations.

ROLE_TAGS = {
    "student": "学生 (students): 我的签约.",
    "employer": "用人单位 (employers): 单位注册, 待签约信息, 已签约信息.",
    "counselor": "学院辅导员/协理员 (counselors): their own college's students.",
    "office": "就业处 (employment office): every college, operations and verification.",
    "health": "Liveness, readiness and this document (no token).",
}
TAG_ORDER = list(ROLE_TAGS)


def json_body(schema: dict, example=None) -> dict:
    content: dict = {"schema": schema}
    if example is not None:
        content["example"] = example
    return {"required": True, "content": {"application/json": content}}


def ok(description: str, schema: dict, example=None, status: str = "200") -> dict:
    content: dict = {"schema": schema}
    if example is not None:
        content["example"] = example
    elif schema == ref("AgreementView"):
        content["examples"] = {"agreement": {"$ref": "#/components/examples/AgreementView"}}
    return {status: {"description": description, "content": {"application/json": content}}}


def command_responses() -> dict:
    return {
        "200": {"description": "Applied (`outcome: applied`), or a repetition that changed nothing "
                               "(`outcome: unchanged`).",
                "content": {"application/json": {"schema": ref("CommandResponse"), "examples": {
                    "applied": {"$ref": "#/components/examples/CommandApplied"}}}}},
        "202": {"description": "Recorded but not yet applied by this service's projection within the wait; poll "
                               "`Location` (`GET /v1/commands/{commandId}`).",
                "headers": {"Location": {"description": "`/v1/commands/{commandId}`",
                                         "schema": {"type": "string", "format": "uri-reference"},
                                         "example": f"/v1/commands/{COMMAND_ID}"}},
                "content": {"application/json": {"schema": ref("CommandResponse"),
                                                 "example": {"outcome": "pending", "commandId": COMMAND_ID}}}},
    }


def path_param(name: str, description: str, *, fmt: str | None = None, example=None) -> dict:
    schema: dict = {"type": "string"}
    if fmt:
        schema["format"] = fmt
    p = {"name": name, "in": "path", "required": True, "description": description, "schema": schema}
    if example is not None:
        p["example"] = example
    return p


def query_param(name: str, description: str, schema: dict | None = None, example=None) -> dict:
    """An optional query parameter. The services trim every one, refuse control characters and more than QUERY_MAX
    characters (422 `validation_failed`): a free-text one (no enum, pattern or format) says so in its schema."""
    schema = copy.deepcopy(schema) if schema else {"type": "string"}
    if schema.get("type") == "string" and not {"enum", "pattern", "format"} & set(schema):
        schema.setdefault("maxLength", QUERY_MAX)
        schema["pattern"] = NO_CONTROL
    p = {"name": name, "in": "query", "required": False, "description": description, "schema": schema}
    if example is not None:
        p["example"] = example
    return p


AGREEMENT_ID_PARAM = path_param("id", "The agreement ID (a malformed one is `not_found`).", fmt="uuid",
                                example=AGREEMENT_ID)


def operation(*, op_id: str, summary: str, ui: str, what: str, roles: list[str] | None, tags: list[str],
              responses: dict, body: dict | None = None, params: list | None = None,
              roles_note: str | None = None) -> dict:
    lines = [f"**{ui}** — {what}"]
    if roles is None:
        lines.append("")
        lines.append("No token needed.")
    else:
        lines.append("")
        lines.append("Roles: " + ", ".join(f"`{r}`" for r in roles) + "." + (f" {roles_note}" if roles_note else ""))
    op = {"operationId": op_id, "summary": summary, "description": "\n".join(lines), "tags": tags,
          "responses": responses, "security": [] if roles is None else [{"bearerAuth": []}]}
    if body is not None:
        op["requestBody"] = body
    if params:
        op["parameters"] = params
    return op


def common_paths(service: str, command_tags: list[str]) -> dict:
    return {
        "/health/live": {"get": operation(
            op_id="getLiveness", summary="Liveness", ui="存活检查", what="The process is up.", roles=None,
            tags=["health"], responses=ok("Up.", ref("Liveness"), {"status": "ok", "service": service}))},
        "/health/ready": {"get": operation(
            op_id="getReadiness", summary="Readiness", ui="就绪检查",
            what="Database reachable and consumers started (503 otherwise, same body).", roles=None,
            tags=["health"], responses={
                **ok("Ready.", ref("Health")),
                "503": {"description": "Not ready (`status: not_ready`).",
                        "content": {"application/json": {"schema": ref("Health")}}}})},
        "/openapi.json": {"get": operation(
            op_id="getOpenAPI", summary="This OpenAPI document", ui="接口说明",
            what="This service's OpenAPI 3.1 document.", roles=None, tags=["health"],
            responses=ok("The document.", {"type": "object"}))},
        "/v1/commands/{id}": {"get": operation(
            op_id="getCommand", summary="Outcome of an earlier command", ui="操作结果",
            what=("What became of a command that answered 202: `pending` (recorded, not yet applied here), "
                  "`applied`, `refused` with the refusal, or `failed` (its event was parked)."),
            roles=command_tags, tags=command_tags,
            roles_note=("The roles this service takes commands from; 404 unless the caller may see the command's "
                        "agreement."),
            params=[path_param("id", "The `commandId` (a malformed one is `not_found`).", fmt="uuid",
                               example=COMMAND_ID)],
            responses={**ok("The outcome.", ref("CommandStatus"),
                            {"commandId": COMMAND_ID, "outcome": "refused",
                             "error": {"code": "invalid_state", "message": "当前协议状态不允许此操作"}}),
                       **errors({401: ["unauthenticated"], 403: ["forbidden"], 404: ["not_found"]})})},
        "/v1/projection/agreements/{id}": {"get": operation(
            op_id="getProjectedAgreement", summary="This service's projection of one agreement", ui="投影核对",
            what="The agreement view as this service's own projection holds it (operations and verification).",
            roles=["office"], tags=["office"], params=[AGREEMENT_ID_PARAM],
            responses={**ok("The agreement view.", ref("AgreementView")),
                       **errors({401: ["unauthenticated"], 403: ["forbidden"], 404: ["not_found"]})})},
        "/v1/status": {"get": operation(
            op_id="getStatus", summary="Operational status", ui="运行状态",
            what=("The outbox per topic (backlog, age of the oldest unpublished event, records awaiting read-back, "
                  "republications, parked events), each consumer's state (running, retrying with its reason, offsets "
                  "beyond the end of the log), dead letters, and advice."),
            roles=["office"], tags=["office"],
            responses={**ok("The status.", ref("ServiceStatus")),
                       **errors({401: ["unauthenticated"], 403: ["forbidden"]})})},
        "/v1/projection/digest": {"get": operation(
            op_id="getProjectionDigest", summary="Digest of the whole projection", ui="投影摘要",
            what=("Every agreement of this service's projection sorted by id, for comparing services with each "
                  "other and with `wangqianctl replay`."),
            roles=["office"], tags=["office"],
            responses={**ok("The digest.", ref("ProjectionDigest")),
                       **errors({401: ["unauthenticated"], 403: ["forbidden"]})})},
    }


AUTH = {401: ["unauthenticated"], 403: ["forbidden"]}
BODY = {400: ["malformed_body"], 413: ["body_too_large"], 415: ["unsupported_media_type"], 422: ["validation_failed"]}


def merge(*specs: dict[int, list[str]]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for spec in specs:
        for status, codes in spec.items():
            out.setdefault(status, [])
            out[status] += [c for c in codes if c not in out[status]]
    return out


def student_paths() -> dict:
    student = ["student"]
    me404 = {404: ["student_not_found"]}

    def cmd(op_id, summary, ui, what, refusals, refused, body=None, extra=None, invalid=None):
        return operation(op_id=op_id, summary=summary, ui=ui, what=what, roles=student, tags=student, body=body,
                         responses={**command_responses(),
                                    **errors(merge(AUTH, me404, refusals, BODY if body else {}, extra or {}),
                                             {409: RACE_NOTE}, invalid, refused)})

    return {
        "/v1/me": {"get": operation(
            op_id="getMe", summary="The student's basic information and signing preconditions", ui="基本信息",
            what="Basic information (read-only), 生源信息审核状态 and whether it permits signing, notices read.",
            roles=student, tags=student,
            responses={**ok("The caller's information.", ref("Me")), **errors(merge(AUTH, me404))})},
        "/v1/me/notices": {"post": operation(
            op_id="acknowledgeNotices", summary="Record that the notices were read", ui="签约须知 / 违约说明",
            what="Records that 签约须知 and 违约说明 were read (required before 正式提交).",
            roles=student, tags=student,
            body=json_body(ref("Notices"), {"signingNotice": True, "breachExplanation": True}),
            responses={**ok("The notices as now recorded.", ref("Notices")),
                       **errors(merge(AUTH, me404, BODY), invalid=("breachExplanation", "缺少必填字段：breachExplanation"))})},
        "/v1/employers": {"get": operation(
            op_id="searchEmployers", summary="Search approved employers", ui="选择签约单位",
            what="Fuzzy search over approved employers (name, credit code); `q` may be empty.",
            roles=student, tags=student,
            params=[query_param("q", "Search text (at most 50 characters).", {"type": "string", "maxLength": 50},
                                "腾讯"),
                    query_param("limit", "At most this many: clamped to 1…100 (a value out of range is not refused); "
                                         "absent or not an integer: 20.",
                                {"type": "integer", "default": 20}, 20)],
            responses={**ok("Matching employers.", ref("EmployerList"), {"employers": [EMPLOYER_EXAMPLE]}),
                       **errors(merge(AUTH, me404, {422: ["validation_failed"]}), {422: "`q` is longer than 50."},
                                ("q", "搜索内容过长"))})},
        "/v1/agreement": {"get": operation(
            op_id="getMyAgreement", summary="The student's own agreement", ui="我的签约",
            what="The caller's agreement with its timeline (`not_found` when none has been saved yet).",
            roles=student, tags=student,
            responses={**ok("The agreement view.", ref("AgreementView")),
                       **errors(merge(AUTH, {404: ["student_not_found", "not_found"]}))})},
        "/v1/agreement/draft": {"put": cmd(
            "saveDraft", "Save the draft (create or edit)", "确定",
            "Saves the draft: the chosen employer and the student's form. The employer can be changed in draft "
            "and after a return only.",
            {409: ["invalid_state", "employer_locked"], 403: ["not_permitted"]},
            refused_in("submitted", "保存签约信息"),
            body=json_body(ref("DraftRequest"), {"employerID": EMPLOYER_ID, **FORM_EXAMPLE}),
            extra={422: ["employer_not_available"]}, invalid=("mobile", "手机号格式不正确"))},
        "/v1/agreement/submit": {"post": cmd(
            "submitAgreement", "Submit the agreement to the employer", "正式提交",
            "Formally submits the draft to the chosen employer (待单位签约). Needs both notices read and a review "
            "status that permits signing.",
            {404: ["not_found"], 409: ["invalid_state", "review_status_blocks_signing", "notices_not_acknowledged",
                                       "stale_draft"], 403: ["not_permitted"]},
            refused_in("employerSigned", "正式提交"))},
        "/v1/agreement/confirm": {"post": cmd(
            "confirmAgreement", "Confirm the employer's signing", "确定签约信息",
            "Confirms the agreement the employer signed (otherwise the system confirms it seven days later).",
            {404: ["not_found"], 409: ["invalid_state", "stale_signing_round"], 403: ["not_permitted"]},
            refused_in("submitted", "确定签约信息"))},
        "/v1/agreement/print": {"post": cmd(
            "printMyCopy", "Record one printed copy", "打印协议书",
            "Records one printed copy, after the college approved (通过); three copies unless re-authorised.",
            {404: ["not_found"], 409: ["invalid_state", "copy_limit_reached", "stale_copy_number"],
             403: ["not_permitted"]},
            refused_in("confirmed", "打印协议书", "学院审核通过后才能打印"))},
    }


def employer_paths() -> dict:
    employer, office = ["employer"], ["office"]
    own = {404: ["not_found"]}

    def cmd(op_id, summary, ui, what, refusals, refused, body=None, invalid=None):
        return operation(op_id=op_id, summary=summary, ui=ui, what=what, roles=employer, tags=employer,
                         params=[AGREEMENT_ID_PARAM], body=body,
                         responses={**command_responses(),
                                    **errors(merge(AUTH, own, refusals, BODY if body else {}), {409: RACE_NOTE},
                                             invalid, refused)})

    reason_example = {"reason": "岗位信息与本单位招聘计划不符，请核实后重新选择签约单位"}
    return {
        "/v1/employers/registration": {"post": operation(
            op_id="registerEmployer", summary="Register the caller's organisation", ui="单位注册",
            what=("Registers (or updates the registration of) the caller's organisation; the employer ID is the "
                  "token's `sub`. A new registration is `pending` until the employment office approves it."),
            roles=employer, tags=employer,
            body=json_body(ref("RegistrationRequest"), {k: v for k, v in EMPLOYER_EXAMPLE.items()
                                                        if k != "employerID"}),
            responses={**ok("The registration.", ref("EmployerAccount")),
                       **errors(merge(AUTH, BODY), invalid=("postalCode", "邮政编码格式不正确"))})},
        "/v1/employers/me": {"get": operation(
            op_id="getOwnRegistration", summary="The caller's registration", ui="单位信息",
            what="The caller's own registration and its status.", roles=employer, tags=employer,
            responses={**ok("The registration.", ref("EmployerAccount")), **errors(merge(AUTH, own))})},
        "/v1/employers": {"get": operation(
            op_id="listRegistrations", summary="List employer registrations", ui="单位审核",
            what="Employer registrations, optionally only `pending` or `approved` ones.", roles=office, tags=office,
            params=[query_param("status", "Only registrations in this status.",
                                {"type": "string", "enum": ["pending", "approved"]}, "pending")],
            responses={**ok("The registrations.", ref("EmployerAccountList")),
                       **errors(merge(AUTH, {422: ["validation_failed"]}), {422: "Another `status`."},
                                ("status", "status 只能是 pending 或 approved"))})},
        "/v1/employers/{employerID}/approve": {"post": operation(
            op_id="approveEmployer", summary="Approve a registration", ui="审核通过",
            what="Approves a registration (idempotent): from now on students find the employer.",
            roles=office, tags=office,
            params=[path_param("employerID", "The employer ID.", example=EMPLOYER_ID)],
            responses={**ok("The registration, approved.", ref("EmployerAccount")),
                       **errors(merge(AUTH, {404: ["not_found"], 422: ["validation_failed"]}))})},
        "/v1/agreements/pending-count": {"get": operation(
            op_id="countPendingAgreements", summary="Number of agreements awaiting the caller", ui="待签约信息",
            what="The badge of 待签约信息: agreements submitted to the caller and not yet handled.",
            roles=employer, tags=employer,
            responses={**ok("The count.", ref("PendingCount")), **errors(AUTH)})},
        "/v1/agreements": {"get": operation(
            op_id="listAgreements", summary="List the caller's agreements", ui="待签约信息 / 已签约信息",
            what=("`pending` (待签约信息, default): submitted to the caller; `signed` (已签约信息): signed and still "
                  "standing; `all`. Searchable by student name or ID."),
            roles=employer, tags=employer,
            params=[query_param("view", "Which list.", {"type": "string", "enum": ["pending", "signed", "all"],
                                                        "default": "pending"}, "pending"),
                    query_param("q", "Student name or ID (substring).", example="张三")],
            responses={**ok("Newest first.", ref("AgreementList"), {"agreements": [SUMMARY_EXAMPLE]}),
                       **errors(merge(AUTH, {422: ["validation_failed"]}), {422: "Another `view`."},
                                ("view", "view 只能是 pending、signed 或 all"))})},
        "/v1/agreements/{id}": {"get": operation(
            op_id="getAgreement", summary="One agreement addressed to the caller", ui="签约信息详情",
            what="One agreement addressed to the caller, with its timeline.", roles=employer, tags=employer,
            params=[AGREEMENT_ID_PARAM],
            responses={**ok("The agreement view.", ref("AgreementView")), **errors(merge(AUTH, own))})},
        "/v1/agreements/{id}/sign": {"post": cmd(
            "signAgreement", "Sign the agreement", "确定签约",
            "Signs with the employer's opinion (and optionally the supervisor's and a corrected employer section).",
            {409: ["invalid_state", "stale_signing_round"], 403: ["not_permitted"]},
            refused_in("returned", "确定签约"),
            body=json_body(ref("SignRequest"), {"employerOpinion": "同意接收该生",
                                                "supervisorOpinion": "同意"}),
            invalid=("employerOpinion", "缺少必填字段：employerOpinion"))},
        "/v1/agreements/{id}/return": {"post": cmd(
            "returnAgreement", "Return (refuse) the agreement", "退回/拒绝签约",
            "Returns the submitted agreement to the student with a mandatory reason; the student may then change "
            "the employer.",
            {409: ["invalid_state"], 403: ["not_permitted"]},
            refused_in("employerSigned", "退回/拒绝签约"),
            body=json_body(ref("ReasonRequest"), reason_example), invalid=("reason", "请填写退回原因"))},
        "/v1/agreements/{id}/take-back": {"post": cmd(
            "takeBackAgreement", "Take the signed agreement back to re-sign", "拿回重签",
            "Takes a signed, not yet confirmed agreement back (reason mandatory) to sign it again.",
            {409: ["invalid_state", "stale_signing_round"], 403: ["not_permitted"]},
            refused_in("confirmed", "拿回重签", "只有单位已签约、学生尚未确认时才能拿回重签"),
            body=json_body(ref("ReasonRequest"), {"reason": "岗位名称填写错误，拿回修改后重新签约"}),
            invalid=("reason", "请填写拿回原因"))},
        "/v1/agreements/batch-sign": {"post": operation(
            op_id="batchSignAgreements", summary="Sign several agreements", ui="批量签约",
            what=("Signs each listed agreement with the same opinions and the student's choice of employer "
                  "section. One bad item does not stop the others: each has its own outcome and error."),
            roles=employer, tags=employer,
            body=json_body(ref("BatchSignRequest"), {"agreementIDs": [AGREEMENT_ID],
                                                     "employerOpinion": "同意接收，欢迎加入"}),
            responses={**ok("One result per item.", ref("BatchSignResponse")),
                       **errors(merge(AUTH, BODY), {422: "Also: an empty list, or more than 200 IDs."},
                                ("agreementIDs", "请至少选择一份协议"))})},
    }


def college_paths() -> dict:
    staff = ["counselor", "office"]
    staff_note = "A counselor sees only agreements of the students of the college named in the token."
    visible = {404: ["not_found"]}

    def cmd(op_id, summary, ui, what, refusals, refused, body=None, invalid=None):
        return operation(op_id=op_id, summary=summary, ui=ui, what=what, roles=staff, tags=staff,
                         roles_note=staff_note, params=[AGREEMENT_ID_PARAM], body=body,
                         responses={**command_responses(),
                                    **errors(merge(AUTH, visible, refusals, BODY if body else {}), {409: RACE_NOTE},
                                             invalid, refused)})

    csv_example = ("studentID,name,gender,collegeCode,collegeName,major,degree,graduationYear,reviewStatus\n"
                   "2026000001,张三,男,CS,计算机学院,软件工程,本科,2026,审核完成\n")
    roster_import_errors = errors(merge(AUTH, {400: ["malformed_body"], 415: ["unsupported_media_type"],
                                               422: ["validation_failed"]}),
                                  {422: "The header lacks a column (`field: header`) or the file is empty "
                                        "(`field: body`).",
                                   400: "The file is not UTF-8.",
                                   415: "The body is declared neither `text/csv` nor `text/plain` (or not at all)."},
                                  ("header", "名单缺少列：reviewStatus"))
    roster_import_errors["413"] = {"description": "The file exceeds 8 MiB (answered by the HTTP framework, with no "
                                                  "body)."}
    return {
        "/v1/roster/import": {"post": operation(
            op_id="importRoster", summary="Import the student roster", ui="导入生源名单",
            what=("Imports the student roster from a UTF-8 CSV with a header row; bad rows are rejected one by one, "
                  "the others imported (create or update)."),
            roles=["office"], tags=["office"],
            body={"required": True, "description": "Columns: `studentID,name,gender,collegeCode,collegeName,major,"
                                                    "degree,graduationYear,reviewStatus` (any order; RFC 4180 "
                                                    "quoting). Sent as `text/csv` (`text/plain` is taken too).",
                  "content": {"text/csv": {"schema": {"type": "string"}, "example": csv_example}}},
            responses={**ok("The import report.", ref("RosterImportReport")), **roster_import_errors})},
        "/v1/roster/{studentID}": {"get": operation(
            op_id="getRosterRecord", summary="One roster record", ui="学生信息",
            what="One student's roster record.", roles=staff, tags=staff, roles_note=staff_note,
            params=[path_param("studentID", "学号.", example=STUDENT_ID)],
            responses={**ok("The record.", ref("RosterRecord"), {"student": STUDENT_EXAMPLE}),
                       **errors(merge(AUTH, visible, {422: ["validation_failed"]}))})},
        "/v1/reviews": {"get": operation(
            op_id="listReviews", summary="The review queue", ui="网上签约审核",
            what=("`pending` (default): confirmed, awaiting review; `approved`: approved, printed or filed; `all`. "
                  "Searchable by student name or ID or agreement number."),
            roles=staff, tags=staff, roles_note=staff_note,
            params=[query_param("view", "Which list.", {"type": "string", "enum": ["pending", "approved", "all"],
                                                        "default": "pending"}, "pending"),
                    query_param("q", "Student name, student ID or agreement number (substring).", example="张三")],
            responses={**ok("Newest first.", ref("AgreementList")),
                       **errors(merge(AUTH, {422: ["validation_failed"]}), {422: "Another `view`."},
                                ("view", "view 只能是 pending、approved 或 all"))})},
        "/v1/reviews/prefill": {"get": operation(
            op_id="getReviewPrefill", summary="Pre-fill of the review fields", ui="审核信息预填",
            what="The four review fields from this counselor's most recent review (or none).",
            roles=["counselor"], tags=["counselor"],
            responses={**ok("The pre-fill.", ref("ReviewPrefill"), {"review": REVIEW_EXAMPLE}), **errors(AUTH)})},
        "/v1/agreements/{id}": {"get": operation(
            op_id="getAgreement", summary="One agreement", ui="签约信息详情",
            what="One agreement with its timeline.", roles=staff, tags=staff, roles_note=staff_note,
            params=[AGREEMENT_ID_PARAM],
            responses={**ok("The agreement view.", ref("AgreementView")), **errors(merge(AUTH, visible))})},
        "/v1/agreements/{id}/approve": {"post": cmd(
            "approveAgreement", "Approve the agreement", "通过",
            "Approves a confirmed agreement with the four review fields; assigns the agreement number (协议书号) "
            "once. Printing is enabled from now on.",
            {409: ["invalid_state", "number_mismatch"], 403: ["not_permitted"]},
            refused_in("employerSigned", "审核通过"),
            body=json_body(ref("CollegeReview"), REVIEW_EXAMPLE), invalid=("contactPhone", "联系电话格式不正确"))},
        "/v1/agreements/{id}/return": {"post": cmd(
            "returnAgreement", "Return the agreement to the student", "退回",
            "Returns the agreement to the student with a mandatory reason.",
            {409: ["invalid_state"], 403: ["not_permitted"]},
            refused_in("approved", "退回"),
            body=json_body(ref("ReasonRequest"), {"reason": "工作地点填写不完整，请补充后重新提交"}),
            invalid=("reason", "请填写退回原因"))},
        "/v1/agreements/{id}/print": {"post": cmd(
            "printCopy", "Record one printed copy", "打印",
            "Records one printed copy of an approved agreement.",
            {409: ["invalid_state", "copy_limit_reached", "stale_copy_number"], 403: ["not_permitted"]},
            refused_in("confirmed", "打印协议书", "学院审核通过后才能打印"))},
        "/v1/agreements/{id}/reprint": {"post": cmd(
            "authoriseReprint", "Re-authorise printing", "补打授权",
            "Allows 1–3 more copies once every allowed copy is printed, with a mandatory reason.",
            {409: ["invalid_state"], 403: ["not_permitted"]},
            refused_in("approved", "授权补打"),
            body=json_body(ref("ReprintRequest"), {"extraCopies": 1, "reason": "打印时卡纸，需补打一份"}),
            invalid=("extraCopies", "补打份数不正确"))},
        "/v1/agreements/{id}/file": {"post": cmd(
            "fileAgreement", "File the agreement", "备案",
            "Files the printed agreement: the end of the workflow.",
            {409: ["invalid_state"], 403: ["not_permitted"]},
            refused_in("approved", "备案", "协议书打印后才能备案"))},
        "/v1/filing": {"get": operation(
            op_id="searchFiling", summary="Search approved agreements for filing", ui="网上签约备案",
            what="Approved, printed or filed agreements by student ID or agreement number (at least one).",
            roles=staff, tags=staff, roles_note=staff_note,
            params=[query_param("studentID", "学号.", example=STUDENT_ID),
                    query_param("agreementNumber", "协议书号 (exact; year + school code + 6-digit serial, anything else "
                                                   "finds nothing).", example="202610001000123")],
            responses={**ok("Newest first.", ref("AgreementList")),
                       **errors(merge(AUTH, {422: ["validation_failed"]}),
                                {422: "Neither `studentID` nor `agreementNumber` was given."},
                                ("studentID", "请输入学号或协议书号"))})},
    }


def scheduler_paths() -> dict:
    office = ["office"]
    return {
        "/v1/timers": {"get": operation(
            op_id="listTimers", summary="Auto-confirmation timers", ui="自动确认计时",
            what="The seven-day auto-confirmation timers and their state, optionally of one agreement.",
            roles=office, tags=office,
            params=[query_param("agreementID", "Only this agreement's timers.", {"type": "string", "format": "uuid"},
                                AGREEMENT_ID)],
            responses={**ok("By due time.", ref("TimerList")),
                       **errors(merge(AUTH, {422: ["validation_failed"]}),
                                {422: "`agreementID` is not a UUID."}, ("agreementID", "agreementID 格式不正确"))})},
        "/v1/clock": {"get": operation(
            op_id="getClock", summary="The scheduler's clock", ui="系统时钟",
            what="The scheduler's clock and its offset from real time.", roles=office, tags=office,
            responses={**ok("The clock.", ref("Clock")), **errors(AUTH)})},
        "/v1/clock/advance": {"post": operation(
            op_id="advanceClock", summary="Move the clock forward", ui="时钟调整",
            what=("Shifts the clock forward (tests and demos); due timers fire. Only when started with "
                  "`WANGQIAN_CLOCK_CONTROL=1`: otherwise 404 `not_found`, before the token is looked at."),
            roles=office, tags=office, body=json_body(ref("AdvanceRequest"), {"seconds": 604800}),
            responses={**ok("The clock after the shift.", ref("Clock")),
                       **errors(merge(AUTH, {404: ["not_found"]}, BODY),
                                {404: "Clock control is not enabled.",
                                 422: "Also: `seconds` not in (0, one leap year]."},
                                ("seconds", "seconds 必须在 1 秒到一年之间"))})},
    }


SERVICES = {
    "student": {"title": "Wangqian student service (学生端)", "port": 8081, "swift": "StudentOpenAPI",
                "paths": student_paths, "command_tags": ["student"],
                "about": "我的签约: basic information, the employer search, the draft, submission, confirmation "
                         "and printing. Every route is the calling student's own (the student ID comes from the "
                         "token)."},
    "employer": {"title": "Wangqian employer service (用人单位端)", "port": 8082, "swift": "EmployerOpenAPI",
                 "paths": employer_paths, "command_tags": ["employer"],
                 "about": "The employer registry, 待签约信息, 已签约信息, signing, returning, taking back and batch "
                          "signing. An employer sees only agreements addressed to it."},
    "college": {"title": "Wangqian college service (学院/就业处端)", "port": 8083, "swift": "CollegeOpenAPI",
                "paths": college_paths, "command_tags": ["counselor", "office"],
                "about": "The student roster, 网上签约审核 (review and approval), printing and 网上签约备案 "
                         "(filing). A counselor sees only the own college's students; the employment office all."},
    "scheduler": {"title": "Wangqian scheduler service (自动确认)", "port": 8084, "swift": "SchedulerOpenAPI",
                  "paths": scheduler_paths, "command_tags": ["office"],
                  "about": "Durable seven-day timers that confirm an employer's signing automatically, and the "
                           "scheduler's clock."},
}

COMMON_RULES = """
Every `/v1` request carries `Authorization: Bearer <JWT>` (HS256; claims `sub`, `role` = `student` | `employer` | \
`counselor` | `office`, `college` for counselors, `exp`, `iss` = `wangqian`). A missing or invalid token is 401 \
`unauthenticated`; a role the endpoint does not serve is 403 `forbidden`; someone else's agreement is 404 \
`not_found`.

Every 4xx/5xx answer has the body `{"error": {"code", "message", "field"?, "status"?}}` (schema `Error`).

Texts are trimmed before they are checked. Control characters (Unicode `Cc` except tab and line feed) are refused in every text field and query parameter with 422 `validation_failed` naming the `field`; query parameters are at most 50 characters.

Commands are checked against this service's projection, recorded in its outbox and published to the log; the log \
decides. The answer is 200 `applied` once this service's projection applied it, 409 when the log refused it (another \
party came first), or 202 `pending` with `Location: /v1/commands/{commandId}`. A repetition that changes nothing is \
200 `unchanged`. A refused request changes nothing.
""".strip()


EXAMPLES = {
    "AgreementView": {"summary": "An agreement the employer has signed (单位已签约)",
                      "value": AGREEMENT_VIEW_EXAMPLE},
    "CommandApplied": {"summary": "Applied", "value": {"outcome": "applied", "commandId": COMMAND_ID,
                                                       "agreement": AGREEMENT_VIEW_EXAMPLE}},
}


def collect_refs(node, out: set[str], kind: str = "schemas") -> None:
    if isinstance(node, dict):
        r = node.get("$ref")
        if isinstance(r, str) and r.startswith(f"#/components/{kind}/"):
            out.add(r.rsplit("/", 1)[1])
        for v in node.values():
            collect_refs(v, out, kind)
    elif isinstance(node, list):
        for v in node:
            collect_refs(v, out, kind)


def build(service: str) -> dict:
    spec = SERVICES[service]
    paths = {**spec["paths"](), **common_paths(service, spec["command_tags"])}
    catalog = {**shared_schemas(), **service_schemas()}
    used: set[str] = set()
    collect_refs(paths, used)
    pending = list(used)
    while pending:
        found: set[str] = set()
        collect_refs(catalog[pending.pop()], found)
        for name in found - used:
            used.add(name)
            pending.append(name)
    examples_used: set[str] = set()
    collect_refs(paths, examples_used, "examples")
    tags_used = {t for item in paths.values() for op in item.values() for t in op["tags"]}
    return {
        "openapi": OPENAPI_VERSION,
        "info": {"title": spec["title"], "version": API_VERSION,
                 "summary": "网签: online signing of graduate employment agreements (毕业生就业协议书网上签约).",
                 "description": spec["about"] + "\n\n" + COMMON_RULES},
        "servers": [{"url": f"http://localhost:{spec['port']}", "description": "Local development"}],
        "tags": [{"name": t, "description": ROLE_TAGS[t]} for t in TAG_ORDER if t in tags_used],
        "paths": paths,
        "components": {
            "schemas": {name: catalog[name] for name in sorted(used)},
            "examples": {name: EXAMPLES[name] for name in sorted(examples_used)},
            "securitySchemes": {"bearerAuth": {
                "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                "description": "HS256 token from the identity provider (`wangqianctl token` in development)."}},
        },
    }


def render_json(document: dict) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False)


def outputs() -> dict[str, str]:
    """Relative path → file content, for every generated file."""
    files: dict[str, str] = {}
    for service, spec in SERVICES.items():
        json_text = render_json(build(service))
        files[f"Services/{service}/openapi.json"] = json_text + "\n"
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT, help="root to write under (default: the repository)")
    args = parser.parse_args()
    for relative, content in outputs().items():
        target = args.out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode("utf-8"))
        print(f"wrote {relative}")


if __name__ == "__main__":
    main()
