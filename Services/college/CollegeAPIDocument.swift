import AgreementContract
import AgreementDomain
import ServiceKit

/// The college service's OpenAPI document: its operations and the components only it uses (the shared ones are
/// ``SharedComponents``). Every schema is read off the Swift types named here.
enum CollegeAPIDocument {
    static var document: APIDocument {
        APIDocument(
            service: "college", title: "Wangqian college service (学院/就业处端)", port: 8083,
            about: "The student roster, 网上签约审核 (review and approval), printing and 网上签约备案 (filing). A counselor sees only the own college's students; the employment office all.",
            commandRoles: staff,
            aliases: ["CollegeReview": [CollegeRoutes.ReviewRequest.self]],
            components: [
                Component("RosterImportReport", CollegeActions.ImportReport.self, examples: [["imported": 1, "rejected": 1, "rows": [["row": 2, "studentID": .string(APIExamples.studentID), "outcome": "imported"], ["row": 3, "studentID": "2026000002", "outcome": "rejected", "error": "性别只能是“男”或“女”"]]]], fields: [
                    "imported": .about(nil, ["minimum": 0]),
                    "rejected": .about(nil, ["minimum": 0]),
                    "rows": .about(nil, fields: [
                        "row": .about("Line number in the file (the header is line 1)."),
                        "studentID": .text("The row's student ID, when it has one."),
                        "error": .text("Why the row was rejected, zh-CN.", examples: ["毕业年份不正确"]),
                    ]),
                ]),
                Component("RosterRecord", CollegeRoutes.RosterRecord.self),
                Component("ReviewPrefill", CollegeRoutes.Prefill.self, fields: [
                    "review": .about("This counselor's most recent review fields; absent when none."),
                ]),
                Component("ReprintRequest", CollegeRoutes.ReprintRequest.self, fields: [
                    "extraCopies": .about("Copies to add (1–3).", ["minimum": 1, "maximum": 3, "examples": [1]]),
                    "reason": .text("Why (mandatory, recorded).", min: 1, max: AgreementValidation.maxOpinionLength, examples: ["打印时卡纸"]),
                ]),
            ],
            operations: operations)
    }

    /// Counselors and the employment office; a counselor only for the own college.
    static let staff: [Role] = [.counselor, .employmentOffice]
    static let staffNote = "A counselor sees only agreements of the students of the college named in the token."

    static var operations: [APIOperation] {
        [
            APIOperation(.post, "/v1/roster/import", id: "importRoster",
                summary: "Import the student roster",
                ui: "导入生源名单",
                what: "Imports the student roster from a UTF-8 CSV with a header row; bad rows are rejected one by one, the others imported (create or update).",
                roles: [.employmentOffice],
                body: .other("text/csv", ["type": "string"], example: "studentID,name,gender,collegeCode,collegeName,major,degree,graduationYear,reviewStatus\n2026000001,张三,男,CS,计算机学院,软件工程,本科,2026,审核完成\n", description: "Columns: `studentID,name,gender,collegeCode,collegeName,major,degree,graduationYear,reviewStatus` (any order; RFC 4180 quoting). Sent as `text/csv` (`text/plain` is taken too)."),
                responses: .ok("The import report.", CollegeActions.ImportReport.self) + .bare(413, "The file exceeds 8 MiB (answered by the HTTP framework, with no body).") + .errors(.auth + ErrorSpec([400: [.malformedBody], 415: [.unsupportedMediaType], 422: [.validationFailed]]), notes: [400: "The file is not UTF-8.", 415: "The body is declared neither `text/csv` nor `text/plain` (or not at all).", 422: "The header lacks a column (`field: header`) or the file is empty (`field: body`)."], invalid: ("header", "名单缺少列：reviewStatus"))),
            APIOperation(.get, "/v1/roster/{studentID}", id: "getRosterRecord",
                summary: "One roster record",
                ui: "学生信息",
                what: "One student's roster record.",
                roles: staff, rolesNote: staffNote,
                parameters: [APIOperation.pathParameter("studentID", "学号.", example: .string(APIExamples.studentID))],
                responses: .ok("The record.", CollegeRoutes.RosterRecord.self, example: ["student": APIExamples.student]) + .errors(.auth + ErrorSpec([404: [.notFound], 422: [.validationFailed]]))),
            APIOperation(.get, "/v1/reviews", id: "listReviews",
                summary: "The review queue",
                ui: "网上签约审核",
                what: "`pending` (default): confirmed, awaiting review; `approved`: approved, printed or filed; `all`. Searchable by student name or ID or agreement number.",
                roles: staff, rolesNote: staffNote,
                parameters: [APIOperation.queryParameter("view", "Which list.", schema: ["type": "string", "enum": ["pending", "approved", "all"], "default": "pending"], example: "pending"), APIOperation.queryParameter("q", "Student name, student ID or agreement number (substring).", example: "张三")],
                responses: .ok("Newest first.", AgreementList.self) + .errors(.auth + ErrorSpec([422: [.validationFailed]]), notes: [422: "Another `view`."], invalid: ("view", "view 只能是 pending、approved 或 all"))),
            APIOperation(.get, "/v1/reviews/prefill", id: "getReviewPrefill",
                summary: "Pre-fill of the review fields",
                ui: "审核信息预填",
                what: "The four review fields from this counselor's most recent review (or none).",
                roles: [.counselor],
                responses: .ok("The pre-fill.", CollegeRoutes.Prefill.self, example: ["review": APIExamples.review]) + .errors(.auth)),
            APIOperation(.get, "/v1/agreements/{id}", id: "getAgreement",
                summary: "One agreement",
                ui: "签约信息详情",
                what: "One agreement with its timeline.",
                roles: staff, rolesNote: staffNote,
                parameters: [SharedComponents.agreementIDParameter],
                responses: .ok("The agreement view.", AgreementView.self) + .errors(.auth + ErrorSpec([404: [.notFound]]))),
            APIOperation.command(.post, "/v1/agreements/{id}/approve", id: "approveAgreement",
                summary: "Approve the agreement",
                ui: "通过",
                what: "Approves a confirmed agreement with the four review fields; assigns the agreement number (协议书号) once. Printing is enabled from now on.",
                roles: staff, rolesNote: staffNote,
                body: .json(CollegeRoutes.ReviewRequest.self, example: APIExamples.review),
                refusals: ErrorSpec([403: [.notPermitted], 404: [.notFound], 409: [.invalidState, .numberMismatch]]), invalid: ("contactPhone", "联系电话格式不正确"), refused: (.employerSigned, "协议当前状态为“单位已签约”，不能审核通过")),
            APIOperation.command(.post, "/v1/agreements/{id}/return", id: "returnAgreement",
                summary: "Return the agreement to the student",
                ui: "退回",
                what: "Returns the agreement to the student with a mandatory reason.",
                roles: staff, rolesNote: staffNote,
                body: .json(ReasonRequest.self, example: ["reason": "工作地点填写不完整，请补充后重新提交"]),
                refusals: ErrorSpec([403: [.notPermitted], 404: [.notFound], 409: [.invalidState]]), invalid: ("reason", "请填写退回原因"), refused: (.approved, "协议当前状态为“学院审核通过”，不能退回")),
            APIOperation.command(.post, "/v1/agreements/{id}/print", id: "printCopy",
                summary: "Record one printed copy",
                ui: "打印",
                what: "Records one printed copy of an approved agreement.",
                roles: staff, rolesNote: staffNote,
                refusals: ErrorSpec([403: [.notPermitted], 404: [.notFound], 409: [.invalidState, .copyLimitReached, .staleCopyNumber]]), refused: (.confirmed, "协议当前状态为“学生已确认”，不能打印协议书：学院审核通过后才能打印")),
            APIOperation.command(.post, "/v1/agreements/{id}/reprint", id: "authoriseReprint",
                summary: "Re-authorise printing",
                ui: "补打授权",
                what: "Allows 1–3 more copies once every allowed copy is printed, with a mandatory reason.",
                roles: staff, rolesNote: staffNote,
                body: .json(CollegeRoutes.ReprintRequest.self, example: ["extraCopies": 1, "reason": "打印时卡纸，需补打一份"]),
                refusals: ErrorSpec([403: [.notPermitted], 404: [.notFound], 409: [.invalidState]]), invalid: ("extraCopies", "补打份数不正确"), refused: (.approved, "协议当前状态为“学院审核通过”，不能授权补打")),
            APIOperation.command(.post, "/v1/agreements/{id}/file", id: "fileAgreement",
                summary: "File the agreement",
                ui: "备案",
                what: "Files the printed agreement: the end of the workflow.",
                roles: staff, rolesNote: staffNote,
                refusals: ErrorSpec([403: [.notPermitted], 404: [.notFound], 409: [.invalidState]]), refused: (.approved, "协议当前状态为“学院审核通过”，不能备案：协议书打印后才能备案")),
            APIOperation(.get, "/v1/filing", id: "searchFiling",
                summary: "Search approved agreements for filing",
                ui: "网上签约备案",
                what: "Approved, printed or filed agreements by student ID or agreement number (at least one).",
                roles: staff, rolesNote: staffNote,
                parameters: [APIOperation.queryParameter("studentID", "学号.", example: .string(APIExamples.studentID)), APIOperation.queryParameter("agreementNumber", "协议书号 (exact; year + school code + 6-digit serial, anything else finds nothing).", example: "202610001000123")],
                responses: .ok("Newest first.", AgreementList.self) + .errors(.auth + ErrorSpec([422: [.validationFailed]]), notes: [422: "Neither `studentID` nor `agreementNumber` was given."], invalid: ("studentID", "请输入学号或协议书号"))),
        ]
    }
}
