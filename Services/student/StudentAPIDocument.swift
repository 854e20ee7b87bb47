import AgreementContract
import AgreementDomain
import ServiceKit

/// The student service's OpenAPI document: its operations and the components only it uses (the shared ones are
/// ``SharedComponents``). Every schema is read off the Swift types named here.
enum StudentAPIDocument {
    static var document: APIDocument {
        APIDocument(
            service: "student", title: "Wangqian student service (学生端)", port: 8081,
            about: "我的签约: basic information, the employer search, the draft, submission, confirmation and printing. Every route is the calling student's own (the student ID comes from the token).",
            commandRoles: [.student],
            aliases: ["Notices": [StudentRoutes.NoticesRequest.self]],
            components: [
                Component("Notices", StudentStore.Notices.self, examples: [["signingNotice": true, "breachExplanation": true]], fields: [
                    "signingNotice": .about("签约须知 read."),
                    "breachExplanation": .about("违约说明 read."),
                ]),
                Component("Me", StudentRoutes.Me.self, examples: [["student": APIExamples.student, "reviewStatus": "审核完成", "canSign": true, "notices": ["signingNotice": true, "breachExplanation": false], "agreementID": .string(APIExamples.agreementID)]], fields: [
                    "canSign": .about("The review status permits signing."),
                    "agreementID": .uuid("The ID the student's agreement has (or will have)."),
                ]),
                Component("DraftRequest", StudentActions.Draft.self, fields: [
                    "employerID": .text("The chosen employer (must exist and be approved).", min: 1, examples: [.string(APIExamples.employerID)]),
                    "mobile": .text("手机号.", pattern: .mobile, examples: ["13800138000"]),
                    "email": .text("电子邮箱 (`local@domain.tld`).", max: AgreementValidation.maxEmailLength, format: "email", examples: ["zhangsan@stu.example.edu.cn"]),
                    "personalOpinion": .text("本人意见; 同意 when absent or blank.", max: AgreementValidation.maxOpinionLength),
                    "jobTitle": .text("工作岗位.", max: AgreementValidation.maxNameLength),
                    "workLocation": .text("工作地点.", max: AgreementValidation.maxAddressLength),
                    "remarks": .text("备注.", max: AgreementValidation.maxRemarksLength),
                ]),
                Component("EmployerList", StudentRoutes.EmployerList.self),
            ],
            operations: operations)
    }

    static var operations: [APIOperation] {
        [
            APIOperation(.get, "/v1/me", id: "getMe",
                summary: "The student's basic information and signing preconditions",
                ui: "基本信息",
                what: "Basic information (read-only), 生源信息审核状态 and whether it permits signing, notices read.",
                roles: [.student],
                responses: .ok("The caller's information.", StudentRoutes.Me.self) + .errors(.auth + ErrorSpec([404: [.studentNotFound]]))),
            APIOperation(.post, "/v1/me/notices", id: "acknowledgeNotices",
                summary: "Record that the notices were read",
                ui: "签约须知 / 违约说明",
                what: "Records that 签约须知 and 违约说明 were read (required before 正式提交).",
                roles: [.student],
                body: .json(StudentRoutes.NoticesRequest.self, example: ["signingNotice": true, "breachExplanation": true]),
                responses: .ok("The notices as now recorded.", StudentStore.Notices.self) + .errors(.auth + .body + ErrorSpec([404: [.studentNotFound]]), invalid: ("breachExplanation", "缺少必填字段：breachExplanation"))),
            APIOperation(.get, "/v1/employers", id: "searchEmployers",
                summary: "Search approved employers",
                ui: "选择签约单位",
                what: "Fuzzy search over approved employers (name, credit code); `q` may be empty.",
                roles: [.student],
                parameters: [APIOperation.queryParameter("q", "Search text (at most 50 characters).", example: "腾讯"), APIOperation.queryParameter("limit", "At most this many: clamped to 1…100 (a value out of range is not refused); absent or not an integer: 20.", schema: ["type": "integer", "default": 20], example: 20)],
                responses: .ok("Matching employers.", StudentRoutes.EmployerList.self, example: ["employers": [APIExamples.employer]]) + .errors(.auth + ErrorSpec([404: [.studentNotFound], 422: [.validationFailed]]), notes: [422: "`q` is longer than 50."], invalid: ("q", "搜索内容过长"))),
            APIOperation(.get, "/v1/agreement", id: "getMyAgreement",
                summary: "The student's own agreement",
                ui: "我的签约",
                what: "The caller's agreement with its timeline (`not_found` when none has been saved yet).",
                roles: [.student],
                responses: .ok("The agreement view.", AgreementView.self) + .errors(.auth + ErrorSpec([404: [.studentNotFound, .notFound]]))),
            APIOperation.command(.put, "/v1/agreement/draft", id: "saveDraft",
                summary: "Save the draft (create or edit)",
                ui: "确定",
                what: "Saves the draft: the chosen employer and the student's form. The employer can be changed in draft and after a return only.",
                roles: [.student],
                body: .json(StudentActions.Draft.self, example: ["employerID": .string(APIExamples.employerID), "mobile": "13800138000", "email": "zhangsan@stu.example.edu.cn", "personalOpinion": "同意", "jobTitle": "后台开发工程师", "workLocation": "广东省深圳市", "remarks": "月薪 25000 元，合同期三年，违约金 5000 元"]),
                refusals: ErrorSpec([403: [.notPermitted], 404: [.studentNotFound], 409: [.invalidState, .employerLocked], 422: [.employerNotAvailable]]), invalid: ("mobile", "手机号格式不正确"), refused: (.submitted, "协议当前状态为“待单位签约”，不能保存签约信息")),
            APIOperation.command(.post, "/v1/agreement/submit", id: "submitAgreement",
                summary: "Submit the agreement to the employer",
                ui: "正式提交",
                what: "Formally submits the draft to the chosen employer (待单位签约). Needs both notices read and a review status that permits signing.",
                roles: [.student],
                refusals: ErrorSpec([403: [.notPermitted], 404: [.studentNotFound, .notFound], 409: [.invalidState, .reviewStatusBlocksSigning, .noticesNotAcknowledged, .staleDraft]]), refused: (.employerSigned, "协议当前状态为“单位已签约”，不能正式提交")),
            APIOperation.command(.post, "/v1/agreement/confirm", id: "confirmAgreement",
                summary: "Confirm the employer's signing",
                ui: "确定签约信息",
                what: "Confirms the agreement the employer signed (otherwise the system confirms it seven days later).",
                roles: [.student],
                refusals: ErrorSpec([403: [.notPermitted], 404: [.studentNotFound, .notFound], 409: [.invalidState, .staleSigningRound]]), refused: (.submitted, "协议当前状态为“待单位签约”，不能确定签约信息")),
            APIOperation.command(.post, "/v1/agreement/print", id: "printMyCopy",
                summary: "Record one printed copy",
                ui: "打印协议书",
                what: "Records one printed copy, after the college approved (通过); three copies unless re-authorised.",
                roles: [.student],
                refusals: ErrorSpec([403: [.notPermitted], 404: [.studentNotFound, .notFound], 409: [.invalidState, .copyLimitReached, .staleCopyNumber]]), refused: (.confirmed, "协议当前状态为“学生已确认”，不能打印协议书：学院审核通过后才能打印")),
        ]
    }
}
