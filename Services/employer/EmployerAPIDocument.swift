import AgreementContract
import AgreementDomain
import ServiceKit

/// The employer service's OpenAPI document: its operations and the components only it uses (the shared ones are
/// ``SharedComponents``). Every schema is read off the Swift types named here.
enum EmployerAPIDocument {
    static var document: APIDocument {
        APIDocument(
            service: "employer", title: "Wangqian employer service (用人单位端)", port: 8082,
            about: "The employer registry, 待签约信息, 已签约信息, signing, returning, taking back and batch signing. An employer sees only agreements addressed to it.",
            commandRoles: [.employer],
            components: [
                SharedComponents.employerSnapshot.named(
                    "RegistrationRequest", EmployerRoutes.RegistrationRequest.self, removing: ["employerID"],
                    description: "The caller's organisation; its employer ID is the token's `sub`.",
                    examples: [APIExamples.employer.removing("employerID")]),
                Component("EmployerAccount", EmployerAccounts.Account.self, description: "A registration and its status.", fields: [
                    "employerID": .text("单位编号.", examples: [.string(APIExamples.employerID)]),
                ]),
                Component("EmployerAccountList", EmployerRoutes.AccountList.self),
                Component("PendingCount", EmployerRoutes.PendingCount.self, examples: [["unhandled": 3]], fields: [
                    "unhandled": .about("Agreements awaiting the caller's signature.", ["minimum": 0]),
                ]),
                Component("SignRequest", EmployerRoutes.SignRequest.self, fields: [
                    "employerOpinion": .text("用人单位意见.", min: 1, max: AgreementValidation.maxOpinionLength, examples: ["同意接收该生"]),
                    "supervisorOpinion": .text("主管部门意见.", max: AgreementValidation.maxOpinionLength),
                    "employer": .about("The corrected employer section; absent: what the student chose. Decoded as a whole employer record, so `employerID` must be present, but it is replaced by the caller's ID."),
                ]),
                Component("BatchSignRequest", EmployerRoutes.BatchSignRequest.self, fields: [
                    "agreementIDs": .about(nil, ["minItems": 1, "maxItems": 200], items: ["description": "An agreement ID (UUID); anything else is that item's `not_found`."]),
                    "employerOpinion": .text("用人单位意见.", min: 1, max: AgreementValidation.maxOpinionLength),
                    "supervisorOpinion": .text("主管部门意见.", max: AgreementValidation.maxOpinionLength),
                ]),
                Component("BatchSignResponse", EmployerRoutes.BatchResponse.self, examples: [["results": [["agreementID": .string(APIExamples.agreementID), "outcome": "applied", "commandId": .string(APIExamples.commandID)]], "applied": 1, "failed": 0]], fields: [
                    "results": .about("One per requested ID, in request order.", fields: [
                        "agreementID": .text("As requested."),
                        "commandId": .uuid(),
                        "error": .about(nil, fields: [
                            "code": .text("The refusal code (`internal` for a server fault)."),
                            "message": .text("zh-CN."),
                        ]),
                    ]),
                    "applied": .about("Items not refused."),
                    "failed": .about("Items refused."),
                ]),
            ],
            operations: operations)
    }

    static var operations: [APIOperation] {
        [
            APIOperation(.post, "/v1/employers/registration", id: "registerEmployer",
                summary: "Register the caller's organisation",
                ui: "单位注册",
                what: "Registers (or updates the registration of) the caller's organisation; the employer ID is the token's `sub`. A new registration is `pending` until the employment office approves it.",
                roles: [.employer],
                body: .json(EmployerRoutes.RegistrationRequest.self, example: ["name": "深圳市腾讯计算机系统有限公司", "creditCode": "91440300708461136T", "type": "民营企业", "industry": "信息传输、软件和信息技术服务业", "location": "广东省深圳市", "contactPerson": "李四", "contactPhone": "0755-86013388", "address": "深圳市南山区海天二路33号腾讯滨海大厦", "postalCode": "518054"]),
                responses: .ok("The registration.", EmployerAccounts.Account.self) + .errors(.auth + .body, invalid: ("postalCode", "邮政编码格式不正确"))),
            APIOperation(.get, "/v1/employers/me", id: "getOwnRegistration",
                summary: "The caller's registration",
                ui: "单位信息",
                what: "The caller's own registration and its status.",
                roles: [.employer],
                responses: .ok("The registration.", EmployerAccounts.Account.self) + .errors(.auth + ErrorSpec([404: [.notFound]]))),
            APIOperation(.get, "/v1/employers", id: "listRegistrations",
                summary: "List employer registrations",
                ui: "单位审核",
                what: "Employer registrations, optionally only `pending` or `approved` ones.",
                roles: [.employmentOffice],
                parameters: [APIOperation.queryParameter("status", "Only registrations in this status.", schema: ["type": "string", "enum": ["pending", "approved"]], example: "pending")],
                responses: .ok("The registrations.", EmployerRoutes.AccountList.self) + .errors(.auth + ErrorSpec([422: [.validationFailed]]), notes: [422: "Another `status`."], invalid: ("status", "status 只能是 pending 或 approved"))),
            APIOperation(.post, "/v1/employers/{employerID}/approve", id: "approveEmployer",
                summary: "Approve a registration",
                ui: "审核通过",
                what: "Approves a registration (idempotent): from now on students find the employer.",
                roles: [.employmentOffice],
                parameters: [APIOperation.pathParameter("employerID", "The employer ID.", example: .string(APIExamples.employerID))],
                responses: .ok("The registration, approved.", EmployerAccounts.Account.self) + .errors(.auth + ErrorSpec([404: [.notFound], 422: [.validationFailed]]))),
            APIOperation(.get, "/v1/agreements/pending-count", id: "countPendingAgreements",
                summary: "Number of agreements awaiting the caller",
                ui: "待签约信息",
                what: "The badge of 待签约信息: agreements submitted to the caller and not yet handled.",
                roles: [.employer],
                responses: .ok("The count.", EmployerRoutes.PendingCount.self) + .errors(.auth)),
            APIOperation(.get, "/v1/agreements", id: "listAgreements",
                summary: "List the caller's agreements",
                ui: "待签约信息 / 已签约信息",
                what: "`pending` (待签约信息, default): submitted to the caller; `signed` (已签约信息): signed and still standing; `all`. Searchable by student name or ID.",
                roles: [.employer],
                parameters: [APIOperation.queryParameter("view", "Which list.", schema: ["type": "string", "enum": ["pending", "signed", "all"], "default": "pending"], example: "pending"), APIOperation.queryParameter("q", "Student name or ID (substring).", example: "张三")],
                responses: .ok("Newest first.", AgreementList.self, example: ["agreements": [APIExamples.summary]]) + .errors(.auth + ErrorSpec([422: [.validationFailed]]), notes: [422: "Another `view`."], invalid: ("view", "view 只能是 pending、signed 或 all"))),
            APIOperation(.get, "/v1/agreements/{id}", id: "getAgreement",
                summary: "One agreement addressed to the caller",
                ui: "签约信息详情",
                what: "One agreement addressed to the caller, with its timeline.",
                roles: [.employer],
                parameters: [SharedComponents.agreementIDParameter],
                responses: .ok("The agreement view.", AgreementView.self) + .errors(.auth + ErrorSpec([404: [.notFound]]))),
            APIOperation.command(.post, "/v1/agreements/{id}/sign", id: "signAgreement",
                summary: "Sign the agreement",
                ui: "确定签约",
                what: "Signs with the employer's opinion (and optionally the supervisor's and a corrected employer section).",
                roles: [.employer],
                body: .json(EmployerRoutes.SignRequest.self, example: ["employerOpinion": "同意接收该生", "supervisorOpinion": "同意"]),
                refusals: ErrorSpec([403: [.notPermitted], 404: [.notFound], 409: [.invalidState, .staleSigningRound]]), invalid: ("employerOpinion", "缺少必填字段：employerOpinion"), refused: (.returned, "协议当前状态为“已退回”，不能确定签约")),
            APIOperation.command(.post, "/v1/agreements/{id}/return", id: "returnAgreement",
                summary: "Return (refuse) the agreement",
                ui: "退回/拒绝签约",
                what: "Returns the submitted agreement to the student with a mandatory reason; the student may then change the employer.",
                roles: [.employer],
                body: .json(ReasonRequest.self, example: ["reason": "岗位信息与本单位招聘计划不符，请核实后重新选择签约单位"]),
                refusals: ErrorSpec([403: [.notPermitted], 404: [.notFound], 409: [.invalidState]]), invalid: ("reason", "请填写退回原因"), refused: (.employerSigned, "协议当前状态为“单位已签约”，不能退回/拒绝签约")),
            APIOperation.command(.post, "/v1/agreements/{id}/take-back", id: "takeBackAgreement",
                summary: "Take the signed agreement back to re-sign",
                ui: "拿回重签",
                what: "Takes a signed, not yet confirmed agreement back (reason mandatory) to sign it again.",
                roles: [.employer],
                body: .json(ReasonRequest.self, example: ["reason": "岗位名称填写错误，拿回修改后重新签约"]),
                refusals: ErrorSpec([403: [.notPermitted], 404: [.notFound], 409: [.invalidState, .staleSigningRound]]), invalid: ("reason", "请填写拿回原因"), refused: (.confirmed, "协议当前状态为“学生已确认”，不能拿回重签：只有单位已签约、学生尚未确认时才能拿回重签")),
            APIOperation(.post, "/v1/agreements/batch-sign", id: "batchSignAgreements",
                summary: "Sign several agreements",
                ui: "批量签约",
                what: "Signs each listed agreement with the same opinions and the student's choice of employer section. One bad item does not stop the others: each has its own outcome and error.",
                roles: [.employer],
                body: .json(EmployerRoutes.BatchSignRequest.self, example: ["agreementIDs": [.string(APIExamples.agreementID)], "employerOpinion": "同意接收，欢迎加入"]),
                responses: .ok("One result per item.", EmployerRoutes.BatchResponse.self) + .errors(.auth + .body, notes: [422: "Also: an empty list, or more than 200 IDs."], invalid: ("agreementIDs", "请至少选择一份协议"))),
        ]
    }
}
