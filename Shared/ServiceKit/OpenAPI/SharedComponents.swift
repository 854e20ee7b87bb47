import AgreementContract
import AgreementDomain

/// What every service's document shares: the components of the bodies all services read and write, the
/// operations every service serves (``CommonRoutes``), and the rules that hold for all of them.
public enum SharedComponents {
    static var all: [Component] {
        [
            Component("Error", APIError.Body.self, description: "The body of every 4xx/5xx answer produced by the services.", fields: [
                "error": .about(nil, fields: [
                    "code": .text("Stable, machine-readable code: " + DocumentedError.all.map { "`\($0.code)`" }.joined(separator: ", ")
                                      + " (and `internal`/`unavailable` for server faults).", examples: ["validation_failed"]),
                    "message": .text("What went wrong, in zh-CN, for the user.", examples: ["联系电话格式不正确"]),
                    "field": .text("The offending input field, when there is one (dotted path for nested fields).", examples: ["contactPhone"]),
                    "status": .about("The agreement status a workflow rule refused in, for domain refusals."),
                ]),
            ]),
            Component("AgreementStatus", AgreementStatus.self, description: "Where an agreement is in the workflow (wire form). Display names: draft 草稿（未提交）, submitted 待单位签约, returned 已退回, employerSigned 单位已签约, confirmed 学生已确认, approved 学院审核通过, printed 已打印, filed 已备案."),
            Component("SourceReviewStatus", SourceReviewStatus.self, description: "生源信息审核状态 (roster). Only 审核完成 and 待就业处审核 permit signing."),
            Component("StudentSnapshot", StudentSnapshot.self, description: "The student's basic information (基本信息) from the roster; read-only for the student.", examples: [APIExamples.student], fields: [
                "studentID": .text("学号.", examples: [.string(APIExamples.studentID)]),
                "name": .text("姓名.", examples: ["张三"]),
                "gender": .text("性别.", examples: ["男"]),
                "collegeCode": .text("学院代码.", examples: ["CS"]),
                "collegeName": .text("学院名称.", examples: ["计算机学院"]),
                "major": .text("专业.", examples: ["软件工程"]),
                "degree": .text("学历层次.", examples: ["本科"]),
                "graduationYear": .about("毕业年份.", ["examples": [2026]]),
            ]),
            employerSnapshot,
            Component("StudentForm", StudentForm.self, description: "What the student fills in (step 1).", alwaysWritten: ["personalOpinion"],
                      examples: [APIExamples.form], fields: [
                "mobile": .text("手机号.", pattern: .mobile, examples: ["13800138000"]),
                "email": .text("电子邮箱 (`local@domain.tld`).", max: AgreementValidation.maxEmailLength, format: "email", examples: ["zhangsan@stu.example.edu.cn"]),
                "personalOpinion": .text("本人意见; 同意 by default.", min: 1, max: AgreementValidation.maxOpinionLength, default: "同意"),
                "jobTitle": .text("工作岗位.", max: AgreementValidation.maxNameLength),
                "workLocation": .text("工作地点.", max: AgreementValidation.maxAddressLength),
                "remarks": .text("备注: extra terms such as salary, contract term, agreed breach penalty.", max: AgreementValidation.maxRemarksLength),
            ]),
            Component("EmployerSection", EmployerSection.self, description: "The section the employer completes when signing (用人单位情况及意见).", fields: [
                "employerOpinion": .text("用人单位意见.", min: 1, max: AgreementValidation.maxOpinionLength, examples: ["同意接收该生"]),
                "supervisorOpinion": .text("主管部门意见.", max: AgreementValidation.maxOpinionLength),
            ]),
            Component("CollegeReview", CollegeReview.self, description: "The four fields of the college's approval (通过), all required.", examples: [APIExamples.review], fields: [
                "contactPerson": .text("学校联系人.", min: 1, max: AgreementValidation.maxNameLength, examples: ["刘老师"]),
                "contactPhone": .text("联系电话: a mobile number, a landline with area code (optionally `-extension`) or a 400/800 number.", pattern: .phone, examples: ["13601012345", "010-62751407"]),
                "postalCode": .text("邮政编码.", pattern: .postalCode, examples: ["100871"]),
                "mailingAddress": .text("协议书邮寄地址.", min: 1, max: AgreementValidation.maxAddressLength, examples: ["北京市海淀区颐和园路5号 学生就业指导服务中心"]),
            ]),
            Component("Actor", Actor.self, description: "Who issued an event.", fields: [
                "id": .text("Student ID, employer ID, staff ID, or the system component (`scheduler`).", examples: [.string(APIExamples.studentID)]),
                "collegeCode": .text("The counselor's college (counselors only)."),
            ]),
            Component("RecordedReason", RecordedReason.self, description: "The last return, take-back or reprint reason, shown to the other party.", fields: [
                "reason": .text("The reason as given.", examples: ["岗位信息与本单位招聘计划不符，请核实后重新选择签约单位"]),
            ]),
            Component("TimelineEntry", TimelineEntry.self, description: "One line of the audit trail, in log order.", fields: [
                "eventID": .uuid(),
                "type": .text("The event type.", examples: ["employerSigned"]),
                "code": .text("The refusal code (refused events)."),
                "reason": .text("The refusal message (refused events)."),
            ]),
            Component("Agreement", Agreement.self, description: "The agreement's state as every projection holds it (Shared/Domain/Agreement.swift). Optional fields are absent when unset. Clients should ignore properties they do not know.", fields: [
                "id": .text("The agreement ID (derived from the student ID)."),
                "version": .about("Number of events applied.", ["minimum": 1]),
                "studentID": .text("学号.", examples: [.string(APIExamples.studentID)]),
                "employerID": .text("The chosen employer's ID."),
                "employer": .about("The employer the student chose."),
                "noticesAcknowledged": .about("签约须知 and 违约说明 were read before submission."),
                "signingRound": .about("1 after the first employer signing.", ["minimum": 0]),
                "reviewedBy": .text("Staff ID of whoever approved."),
                "agreementNumber": .text("协议书号: year + school code + 6-digit serial; assigned once.", pattern: .agreementNumber, examples: ["202610001000123"]),
                "copiesPrinted": .about(nil, ["minimum": 0]),
                "copiesAllowed": .about("3 (一式三份) unless re-authorised.", ["minimum": 0]),
            ]),
            Component("AgreementView", AgreementView.self, description: "The agreement as every API shows it: its state, its status in Chinese, and its timeline.", extends: Agreement.self, fields: [
                "statusName": .text("The status as users see it.", examples: ["待单位签约"]),
                "timeline": .about("The complete audit trail in log order, refused events included."),
            ]),
            Component("AgreementSummary", AgreementSummary.self, description: "One line of a list (待签约信息, 已签约信息, the review queue, filing search).", examples: [APIExamples.summary], fields: [
                "id": .uuid(),
                "studentID": .text("学号."),
                "studentName": .text("姓名."),
                "collegeCode": .text("学院代码."),
                "employerID": .text("单位编号."),
                "employerName": .text("单位名称."),
                "statusName": .text("The status as users see it."),
                "agreementNumber": .text("协议书号.", pattern: .agreementNumber),
            ]),
            Component("AgreementList", AgreementList.self, fields: [
                "agreements": .about("Newest first, at most 200."),
            ]),
            Component("CommandResponse", CommandResponse.self, description: "The answer to a command.", fields: [
                "outcome": .text("`applied`: this service's projection applied the command; `unchanged`: it repeated the current state, nothing was emitted; `pending` (202): recorded, not yet applied here, poll `Location`."),
                "commandId": .uuid("Absent for `unchanged`."),
                "agreement": .about("The agreement after the command (absent when pending)."),
            ]),
            Component("CommandStatus", CommandStatus.self, description: "The outcome of an earlier command, as this service's projection saw it.", fields: [
                "commandId": .uuid(),
                "outcome": .text("`failed`: the command's event could never be published or applied (it was parked with its reason; see `GET /v1/status`)."),
                "error": .about("Present when refused or failed.", fields: [
                    "code": .text("The refusal code (`command_failed` when failed)."),
                    "message": .text("The refusal, zh-CN."),
                ]),
            ]),
            Component("Liveness", Liveness.self, examples: [["status": "ok", "service": "student"]], fields: [
                "status": .about(nil, ["const": "ok"]),
                "service": .text("The service name."),
            ]),
            Component("Health", ServiceHealth.Health.self, examples: [["status": "ready", "service": "student", "database": "ok", "consumerStarted": true, "eventsApplied": 42, "outboxBacklog": 0]], fields: [
                "service": .text("The service name.", examples: ["student"]),
                "consumerStarted": .about("The Kafka consumers have started."),
                "eventsApplied": .about("Events applied since start.", ["minimum": 0]),
                "outboxBacklog": .about("Outbox records not yet published (absent when the database is down).", ["minimum": 0]),
                "problem": .text("Why the service cannot make progress, when not ready."),
            ]),
            Component("ServiceStatus", ServiceHealth.ServiceStatus.self, description: "What an operator needs to see of one service.", fields: [
                "service": .text("The service name.", examples: ["college"]),
                "ready": .about("As `/health/ready`: false only when no progress is possible."),
                "problem": .text("Why the service cannot make progress, when it cannot."),
                "outbox": .about("The outbox per topic (lane).", fields: [
                    "topic": .text("The topic."),
                    "unpublished": .about(nil, ["minimum": 0]),
                    "oldestUnpublishedAgeSeconds": .about(nil, ["minimum": 0]),
                    "awaitingReadBack": .about("Acknowledged by the broker, not yet read back from the log.", ["minimum": 0]),
                    "republished": .about("Publications repeated because the log did not show an acknowledged record.", ["minimum": 0]),
                    "parked": .about(nil, ["minimum": 0]),
                ]),
                "parkedEvents": .about("The latest parked events (never published again).", fields: [
                    "eventID": .uuid(),
                    "topic": .text("The topic."),
                    "key": .text("The record key."),
                    "reason": .text("Why it was parked."),
                ]),
                "consumers": .about(nil, fields: [
                    "name": .text("The consumer (`<service>.agreements`, `<service>.reference`)."),
                    "reason": .text("Why it is retrying, or which offsets lie beyond the log."),
                    "eventsApplied": .about(nil, ["minimum": 0]),
                    "deadLettered": .about(nil, ["minimum": 0]),
                ]),
                "deadLetters": .about("Rows of the dead_letters table.", ["minimum": 0]),
                "advice": .about("What to do about the problems shown."),
            ]),
            Component("ProjectionDigest", ProjectionDigest.self, description: "A whole projection, for comparing services with each other and with a replay of the log.", fields: [
                "service": .text("The service (or `replay` for wangqianctl replay).", examples: ["college"]),
                "agreements": .about("The whole projection, sorted by id.", fields: ["id": .uuid()]),
                "eventsApplied": .about(nil, ["minimum": 0]),
            ]),
            Component("ReasonRequest", ReasonRequest.self, fields: [
                "reason": .text("The reason, shown to the other party (mandatory).", min: 1, max: AgreementValidation.maxOpinionLength),
            ]),
        ]
    }

    /// An employer's information; the registration request is the same without the ID.
    public static var employerSnapshot: Component {
        Component("EmployerSnapshot", EmployerSnapshot.self, description: "An employer's information (用人单位情况).", examples: [APIExamples.employer], fields: [
            "employerID": .text("单位编号 (the employer's token subject).", min: 1, max: AgreementValidation.maxNameLength, examples: [.string(APIExamples.employerID)]),
            "name": .text("单位名称.", min: 1, max: AgreementValidation.maxNameLength, examples: ["深圳市腾讯计算机系统有限公司"]),
            "creditCode": .text("统一社会信用代码 (18 characters, GB 32100-2015; upper-cased by the service).", pattern: .creditCode, examples: ["91440300708461136T"]),
            "type": .text("单位性质, e.g. 国有企业, 民营企业, 机关.", min: 1, max: AgreementValidation.maxNameLength, examples: ["民营企业"]),
            "industry": .text("所属行业.", min: 1, max: AgreementValidation.maxNameLength, examples: ["信息传输、软件和信息技术服务业"]),
            "location": .text("单位所在地.", min: 1, max: AgreementValidation.maxAddressLength, examples: ["广东省深圳市"]),
            "contactPerson": .text("联系人.", min: 1, max: AgreementValidation.maxNameLength, examples: ["李四"]),
            "contactPhone": .text("联系电话: a mobile number, a landline with area code (optionally `-extension`) or a 400/800 number.", pattern: .phone, examples: ["0755-86013388", "13800138000"]),
            "address": .text("单位地址.", min: 1, max: AgreementValidation.maxAddressLength, examples: ["深圳市南山区海天二路33号"]),
            "postalCode": .text("邮政编码.", pattern: .postalCode, examples: ["518054"]),
            "archiveAddress": .text("档案转寄地址; absent when the archive goes to the employer's address.", max: AgreementValidation.maxAddressLength),
        ])
    }

    static func commonOperations(service: String, commandRoles: [Role]) -> [APIOperation] {
        [
            APIOperation(.get, "/health/live", id: "getLiveness",
                summary: "Liveness",
                ui: "存活检查",
                what: "The process is up.",
                roles: nil,
                responses: .ok("Up.", Liveness.self, example: ["status": "ok", "service": .string(service)])),
            APIOperation(.get, "/health/ready", id: "getReadiness",
                summary: "Readiness",
                ui: "就绪检查",
                what: "Database reachable and consumers started (503 otherwise, same body).",
                roles: nil,
                responses: .ok("Ready.", ServiceHealth.Health.self) + .ok("Not ready (`status: not_ready`).", ServiceHealth.Health.self, status: 503)),
            APIOperation(.get, "/openapi.json", id: "getOpenAPI",
                summary: "This OpenAPI document",
                ui: "接口说明",
                what: "This service's OpenAPI 3.1 document.",
                roles: nil,
                responses: .ok("The document.", schema: ["type": "object"])),
            APIOperation(.get, "/v1/commands/{id}", id: "getCommand",
                summary: "Outcome of an earlier command",
                ui: "操作结果",
                what: "What became of a command that answered 202: `pending` (recorded, not yet applied here), `applied`, `refused` with the refusal, or `failed` (its event was parked).",
                roles: commandRoles,
                rolesNote: "The roles this service takes commands from; 404 unless the caller may see the command's agreement.",
                parameters: [APIOperation.pathParameter("id", "The `commandId` (a malformed one is `not_found`).", format: "uuid", example: .string(APIExamples.commandID))],
                responses: .ok("The outcome.", CommandStatus.self, example: ["commandId": .string(APIExamples.commandID), "outcome": "refused", "error": ["code": "invalid_state", "message": "当前协议状态不允许此操作"]]) + .errors(.auth + ErrorSpec([404: [.notFound]]))),
            APIOperation(.get, "/v1/projection/agreements/{id}", id: "getProjectedAgreement",
                summary: "This service's projection of one agreement",
                ui: "投影核对",
                what: "The agreement view as this service's own projection holds it (operations and verification).",
                roles: [.employmentOffice],
                parameters: [SharedComponents.agreementIDParameter],
                responses: .ok("The agreement view.", AgreementView.self) + .errors(.auth + ErrorSpec([404: [.notFound]]))),
            APIOperation(.get, "/v1/status", id: "getStatus",
                summary: "Operational status",
                ui: "运行状态",
                what: "The outbox per topic (backlog, age of the oldest unpublished event, records awaiting read-back, republications, parked events), each consumer's state (running, retrying with its reason, offsets beyond the end of the log), dead letters, and advice.",
                roles: [.employmentOffice],
                responses: .ok("The status.", ServiceHealth.ServiceStatus.self) + .errors(.auth)),
            APIOperation(.get, "/v1/projection/digest", id: "getProjectionDigest",
                summary: "Digest of the whole projection",
                ui: "投影摘要",
                what: "Every agreement of this service's projection sorted by id, for comparing services with each other and with `wangqianctl replay`.",
                roles: [.employmentOffice],
                responses: .ok("The digest.", ProjectionDigest.self) + .errors(.auth)),
        ]
    }

    /// The agreement ID in a path.
    public static let agreementIDParameter = APIOperation.pathParameter(
        "id", "The agreement ID (a malformed one is `not_found`).", format: "uuid", example: .string(APIExamples.agreementID))

    /// Below a command's 409.
    public static let raceNote = "A 409 is also the answer when another party's event reached the log first and the projection refused this command (the race's loser); nothing changed."

    static let commonRules = """
        Every `/v1` request carries `Authorization: Bearer <JWT>` (HS256; claims `sub`, `role` = `student` | `employer` | `counselor` | `office`, `college` for counselors, `exp`, `iss` = `wangqian`). A missing or invalid token is 401 `unauthenticated`; a role the endpoint does not serve is 403 `forbidden`; someone else's agreement is 404 `not_found`.

        Every 4xx/5xx answer has the body `{"error": {"code", "message", "field"?, "status"?}}` (schema `Error`).

        Texts are trimmed before they are checked. Control characters (Unicode `Cc` except tab and line feed) are refused in every text field and query parameter with 422 `validation_failed` naming the `field`; query parameters are at most 50 characters.

        Commands are checked against this service's projection, recorded in its outbox and published to the log; the log decides. The answer is 200 `applied` once this service's projection applied it, 409 when the log refused it (another party came first), or 202 `pending` with `Location: /v1/commands/{commandId}`. A repetition that changes nothing is 200 `unchanged`. A refused request changes nothing.
        """
}
