import AgreementContract
import AgreementDomain

/// An error code as the documents explain it: when it is answered and an example of its zh-CN message. The codes
/// themselves are the domain's (``RefusalCode``, whose constants name them here) and the HTTP layer's (``APIError``).
public struct DocumentedError: Sendable, Hashable {
    public var code: String
    public var when: String
    public var example: String

    public init(_ code: String, when: String, example: String) {
        self.code = code
        self.when = when
        self.example = example
    }

    public static let malformedBody = DocumentedError(
        "malformed_body", when: "the body is empty, not JSON (or not UTF-8), or a field has the wrong type", example: "请求内容不是有效的 JSON")
    public static let unauthenticated = DocumentedError(
        "unauthenticated", when: "the bearer token is missing, malformed, expired, unsigned or signed with another key",
        example: "登录凭证无效或已过期，请重新登录")
    public static let forbidden = DocumentedError(
        "forbidden", when: "the token's role is not served by this endpoint", example: "当前身份无权执行此操作")
    public static let notPermitted = DocumentedError(
        RefusalCode.notPermitted.rawValue, when: "a workflow rule does not let this caller do this to this agreement",
        example: "无权对该协议进行“确定签约”操作")
    public static let notFound = DocumentedError(
        RefusalCode.notFound.rawValue, when: "no such record, or one the caller may not see (its existence is not revealed)",
        example: "没有找到该协议")
    public static let studentNotFound = DocumentedError(
        "student_not_found", when: "the calling student is not on the roster", example: "没有找到你的学籍信息，请联系学院老师")
    public static let bodyTooLarge = DocumentedError("body_too_large", when: "the body exceeds 8 MiB", example: "请求内容过大")
    public static let validationFailed = DocumentedError(
        RefusalCode.validationFailed.rawValue, when: "a required field is missing or a value breaks a rule; `field` names it",
        example: "联系电话格式不正确")
    public static let employerNotAvailable = DocumentedError(
        "employer_not_available", when: "the chosen employer does not exist or is not approved",
        example: "所选单位不存在或尚未通过审核")
    public static let invalidState = DocumentedError(
        RefusalCode.invalidState.rawValue, when: "the agreement's status does not allow this step (`status` names it)",
        example: "协议当前状态为“学生已确认”，不能退回/拒绝签约")
    public static let reviewStatusBlocksSigning = DocumentedError(
        RefusalCode.reviewStatusBlocksSigning.rawValue, when: "the student's 生源信息审核状态 is neither 审核完成 nor 待就业处审核",
        example: "生源信息审核状态为“待学院审核”，暂不能签约（须为“审核完成”或“待就业处审核”），请联系学院老师")
    public static let noticesNotAcknowledged = DocumentedError(
        RefusalCode.noticesNotAcknowledged.rawValue, when: "签约须知 and 违约说明 have not both been read", example: "请先阅读签约须知和违约说明")
    public static let employerLocked = DocumentedError(
        RefusalCode.employerLocked.rawValue, when: "the employer cannot be changed after submission (until a return)",
        example: "已正式提交给用人单位，不能更换签约单位；如需更换，请联系单位退回")
    public static let copyLimitReached = DocumentedError(
        RefusalCode.copyLimitReached.rawValue, when: "every authorised copy has been printed",
        example: "协议书已打印3份，不可多打；如需补打，请联系学院重新授权")
    public static let windowNotElapsed = DocumentedError(
        RefusalCode.windowNotElapsed.rawValue,
        when: "the seven-day confirmation window has not elapsed (automatic confirmation only)", example: "用人单位签约未满七日，不能自动确认")
    public static let staleSigningRound = DocumentedError(
        RefusalCode.staleSigningRound.rawValue,
        when: "the step names a signing round that is no longer the current one (the employer took the agreement back or re-signed)",
        example: "用人单位已重新签约（第2次签约），请刷新后重试")
    public static let numberMismatch = DocumentedError(
        RefusalCode.numberMismatch.rawValue, when: "the agreement already has another agreement number", example: "该协议书已分配协议书号，不能更改")
    public static let staleDraft = DocumentedError(
        RefusalCode.staleDraft.rawValue, when: "the draft changed after the submission was decided (refresh and submit again)",
        example: "签约信息已修改，请刷新后重新提交")
    public static let staleCopyNumber = DocumentedError(
        RefusalCode.staleCopyNumber.rawValue, when: "another copy was recorded meanwhile (refresh and retry)", example: "打印份数已变化，请刷新后重试")
    public static let agreementMismatch = DocumentedError(
        RefusalCode.agreementMismatch.rawValue, when: "an event named another agreement or student (internal consistency check)",
        example: "该记录不属于此协议")
    public static let methodNotAllowed = DocumentedError(
        "method_not_allowed", when: "the path exists but not with this method (`Allow` lists the methods)", example: "该地址不支持 DELETE 请求")
    public static let unsupportedMediaType = DocumentedError(
        "unsupported_media_type",
        when: "the body is not declared as the media type the endpoint takes (`application/json`, or `text/csv` for the roster)",
        example: "请求内容类型必须是 application/json")
    public static let eventTooLarge = DocumentedError(
        "event_too_large", when: "the event this command would emit exceeds the contract's 256 KiB record limit",
        example: "内容过多，无法保存")
    public static let commandFailed = DocumentedError(
        "command_failed", when: "the command's event could never be published or applied (parked; see `GET /v1/status`)",
        example: "操作未能完成：系统无法发布或应用该操作")

    /// Every documented code, in the order the error body's description lists them.
    public static let all: [DocumentedError] = [
        .malformedBody, .unauthenticated, .forbidden, .notPermitted, .notFound, .studentNotFound, .bodyTooLarge,
        .validationFailed, .employerNotAvailable, .invalidState, .reviewStatusBlocksSigning, .noticesNotAcknowledged,
        .employerLocked, .copyLimitReached, .windowNotElapsed, .staleSigningRound, .numberMismatch, .staleDraft,
        .staleCopyNumber, .agreementMismatch, .methodNotAllowed, .unsupportedMediaType, .eventTooLarge, .commandFailed,
    ]

    /// The title of an error status in the documents.
    static func title(_ status: Int) -> String {
        switch status {
        case 400: "Malformed request"
        case 401: "Not authenticated"
        case 403: "Forbidden"
        case 404: "Not found"
        case 405: "Method not allowed"
        case 409: "Refused by a workflow rule"
        case 413: "Body too large"
        case 415: "Unsupported media type"
        case 422: "Invalid input"
        default: "Error"
        }
    }
}

/// Which codes an operation answers, by HTTP status.
public struct ErrorSpec: Sendable {
    public var codes: [Int: [DocumentedError]]
    public init(_ codes: [Int: [DocumentedError]]) { self.codes = codes }

    /// A missing or bad token, a role the endpoint does not serve.
    public static let auth = ErrorSpec([401: [.unauthenticated], 403: [.forbidden]])
    /// What a JSON body can be refused for.
    public static let body = ErrorSpec([400: [.malformedBody], 413: [.bodyTooLarge], 415: [.unsupportedMediaType],
                                        422: [.validationFailed]])

    /// Both, each status's codes in order, without repeats.
    public static func + (a: ErrorSpec, b: ErrorSpec) -> ErrorSpec {
        var merged = a.codes
        for (status, codes) in b.codes {
            var list = merged[status] ?? []
            list += codes.filter { !list.contains($0) }
            merged[status] = list
        }
        return ErrorSpec(merged)
    }
}
