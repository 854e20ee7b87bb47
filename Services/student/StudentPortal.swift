import AgreementDomain
import Foundation
import Hummingbird
import PortalKit
import ServiceKit

/// 用户中心 → 我的签约, for a person in a browser (mostly on a phone): the same steps as `StudentRoutes`, through
/// `StudentActions`.
struct StudentPortal: Sendable {
    let portal: Portal
    let actions: StudentActions
    var agreements: any AgreementReading { actions.agreements }
    let verification: PrintVerification
    static let roles: Set<Role> = [.student]

    init(parts: Portal.Parts, actions: StudentActions, verification: PrintVerification) throws {
        self.actions = actions
        self.verification = verification
        portal = Portal(
            name: "student", title: "学生", parts: parts, views: try PortalViews(Self.templates),
            messages: ["saved": "已保存（草稿未发送给用人单位）。核对无误后请点击“正式提交”。",
                       "submitted": "已正式提交，等待用人单位签约。",
                       "confirmed": "已确定签约信息，等待学院审核。",
                       "acknowledged": "已确认阅读签约须知和违约说明。"],
            navigation: { _ in [NavItem(label: "我的签约", path: "/"), NavItem(label: "填写/编辑就业协议书", path: "/edit")] })
    }

    func add(to router: Router<AppRequestContext>) {
        portal.addCommonRoutes(to: router)
        portal.addSignOnRoutes(to: router, signOn: portal.signOn(development: { [students = actions.students] search in
            let students = if let search { try await students.student(search).map { [$0] } ?? [] }
                else { try await students.sampleStudents(limit: 12) }
            return students.map {
                DevelopmentSignOn.Choice(identity: Identity(role: .student, subject: $0.studentID),
                                         label: "\($0.name) · \($0.collegeName) · \($0.reviewStatus.rawValue)")
            }
        }))
        portal.get("/", on: router, roles: Self.roles) { request in try await self.home(request) }
        portal.post("/notices", on: router, roles: Self.roles) { request in
            let student = try await actions.student(request.caller)
            guard request.form["signingNotice"] == "1", request.form["breachExplanation"] == "1" else {
                return try await self.home(request, error: "请勾选“已阅读签约须知”和“已阅读违约说明”")
            }
            try await actions.acknowledge(student, signingNotice: true, breachExplanation: true)
            return .redirect("/?done=acknowledged")
        }
        portal.get("/edit", on: router, roles: Self.roles) { request in
            try await self.edit(request, draft: nil, error: nil)
        }
        portal.post("/edit", on: router, roles: Self.roles) { request in
            let student = try await actions.student(request.caller)
            let form = request.form
            let draft = StudentActions.Draft(
                employerID: form.text("employerID"), mobile: form.text("mobile"), email: form.text("email"),
                personalOpinion: form.optional("personalOpinion"), jobTitle: form.optional("jobTitle"),
                workLocation: form.optional("workLocation"), remarks: form.optional("remarks"))
            do {
                return Self.done(try await actions.saveDraft(draft, by: student), "saved")
            } catch let error where APIError(mapping: error) != nil {
                return try await self.edit(request, draft: draft, error: APIError(mapping: error))
            }
        }
        portal.get("/employers.json", on: router, roles: Self.roles) { request in
            _ = try await actions.student(request.caller)
            let found = try await actions.searchEmployers(request.query("q") ?? "")
            return .raw(try JSON.encoder.encodeResponse(StudentRoutes.EmployerList(employers: found)))
        }
        portal.post("/submit", on: router, roles: Self.roles) { request in
            try await self.command(request, "submitted") { try await actions.submit(by: $0) }
        }
        portal.post("/confirm", on: router, roles: Self.roles) { request in
            try await self.command(request, "confirmed") { try await actions.confirm(by: $0) }
        }
        // 打印预览 never records a copy; 打印 records the next one and opens it.
        // 协议书样本: the form as it will print, with what the student has filled in so far.
        portal.get("/template", on: router, roles: Self.roles) { request in
            let student = try await actions.student(request.caller)
            return try PrintedAgreement.sample(try await actions.agreement(of: student) ?? Self.placeholder(student), back: "/", portal: portal)
        }
        portal.get("/print/preview", on: router, roles: Self.roles) { request in
            try PrintedAgreement.page(try await self.approvedAgreement(request), copy: nil, verification: verification,
                                      verifyBase: PrintedAgreement.verifyBase(portal), back: "/", portal: portal)
        }
        portal.post("/print", on: router, roles: Self.roles) { request in
            let student = try await actions.student(request.caller)
            do {
                switch try await actions.printCopy(by: student) {
                case .applied(_, let agreement): return .redirect("/print/copy/\(agreement.copiesPrinted)")
                case .pending: return .redirect("/?done=pending")
                case .unchanged(let agreement): return .redirect("/print/copy/\(agreement?.copiesPrinted ?? 1)")
                }
            } catch let error where APIError(mapping: error) != nil {
                return try await home(request, error: APIError(mapping: error)?.message, status: APIError(mapping: error)?.status)
            }
        }
        portal.get("/print/copy/:copy", on: router, roles: Self.roles) { request in
            try PrintedAgreement.page(try await self.approvedAgreement(request), copy: Int(request.context.parameters.get("copy") ?? "") ?? 0,
                                      verification: verification, verifyBase: PrintedAgreement.verifyBase(portal), back: "/", portal: portal)
        }
    }

    private func approvedAgreement(_ request: PortalRequest) async throws -> Agreement {
        guard let agreement = try await actions.agreement(of: try await actions.student(request.caller)) else {
            throw APIError.notFound("尚未填写签约信息")
        }
        return agreement
    }

    /// Runs a command from a button: back to 我的签约 with its outcome, or with the refusal shown there.
    private func command(_ request: PortalRequest, _ done: String,
                         _ run: (StudentSnapshot) async throws -> CommandResult) async throws -> PortalReply {
        let student = try await actions.student(request.caller)
        do {
            return Self.done(try await run(student), done)
        } catch let error where APIError(mapping: error) != nil {
            return try await home(request, error: APIError(mapping: error)?.message, status: APIError(mapping: error)?.status)
        }
    }

    static func done(_ result: CommandResult, _ key: String) -> PortalReply {
        if case .pending = result { return .redirect("/?done=pending") }
        return .redirect("/?done=\(key)")
    }

    // MARK: Pages

    struct HomeModel: Sendable {
        var csrf: String
        var base: String
        var student: AgreementDisplay.Student
        var reviewStatus: String
        var canSign: Bool
        var noticesNeeded: Bool
        var signingNotice: [String]
        var breachExplanation: [String]
        var agreement: AgreementDisplay?
        var canEdit: Bool
        var canSubmit: Bool
        var submitWhy: String?
        var canConfirm: Bool
        /// Where 打印预览 and 打印 go.
        var printPath: String
    }

    func home(_ request: PortalRequest, error: String? = nil, status: HTTPResponse.Status? = nil) async throws -> PortalReply {
        let student = try await actions.student(request.caller)
        let notices = try await actions.notices(of: student)
        let agreement = try await actions.agreement(of: student)
        let timeline = try await agreement.asyncMap { try await agreements.timeline($0.id, employerUpTo: nil) }
        let state = agreement?.status
        let editable = state.map(\.allowsEmployerChange) ?? true
        let submitWhy: String? =
            !student.reviewStatus.permitsSigning ? "生源信息审核状态为“\(student.reviewStatus.rawValue)”，暂不能签约"
            : !notices.both ? "请先阅读并确认签约须知和违约说明"
            : agreement == nil ? "请先填写并点击“确定”保存"
            : !editable ? "已提交，当前状态不能再次提交" : nil
        let model = HomeModel(
            csrf: request.csrf, base: portal.path(""),
            student: AgreementDisplay(Self.placeholder(student), timeline: nil).student,
            reviewStatus: student.reviewStatus.rawValue, canSign: student.reviewStatus.permitsSigning,
            noticesNeeded: !notices.both, signingNotice: NoticeTexts.signingNotice, breachExplanation: NoticeTexts.breachExplanation,
            agreement: agreement.map { AgreementDisplay($0, timeline: timeline) },
            canEdit: editable && student.reviewStatus.permitsSigning, canSubmit: submitWhy == nil, submitWhy: submitWhy,
            canConfirm: state == .employerSigned, printPath: portal.path(""))
        return .page(PortalPage(title: "我的签约", template: "student/home", model: model, status: status ?? (error == nil ? .ok : .unprocessableContent), error: error))
    }

    struct EditModel: Sendable {
        struct Choice: Sendable { var employerID, name, location, creditCode: String; var checked: Bool }
        var csrf: String
        var base: String
        var q: String
        var choices: [Choice]
        var found: Int
        var chosen: String?
        var mobile, email, personalOpinion, jobTitle, workLocation, remarks: String
        var fieldError: String?
        var limits: Limits
    }

    struct Limits: Sendable {
        var opinion = AgreementValidation.maxOpinionLength
        var remarks = AgreementValidation.maxRemarksLength
        var name = AgreementValidation.maxNameLength
        var query = AgreementValidation.maxQueryLength
    }

    func edit(_ request: PortalRequest, draft: StudentActions.Draft?, error: APIError?) async throws -> PortalReply {
        let student = try await actions.student(request.caller)
        let agreement = try await actions.agreement(of: student)
        if let status = agreement?.status, !status.allowsEmployerChange {
            throw APIError(.conflict, code: "invalid_state", message: "协议当前状态为“\(status.displayName)”，不能修改。单位退回后才能修改。")
        }
        let q = request.query("q") ?? request.form["q"] ?? ""
        let chosenID = draft?.employerID ?? agreement?.employerID
        var found = try await actions.searchEmployers(q)
        // The chosen employer first, so the person sees what is selected.
        if let chosen = agreement?.employer, chosen.employerID == chosenID {
            found.removeAll { $0.employerID == chosen.employerID }
            found.insert(chosen, at: 0)
        }
        let form = agreement?.form
        let model = EditModel(
            csrf: request.csrf, base: portal.path(""), q: q,
            choices: found.map { .init(employerID: $0.employerID, name: $0.name, location: $0.location, creditCode: $0.creditCode,
                                       checked: $0.employerID == chosenID) },
            found: found.count, chosen: chosenID,
            mobile: draft?.mobile ?? form?.mobile ?? "", email: draft?.email ?? form?.email ?? "",
            personalOpinion: draft?.personalOpinion ?? form?.personalOpinion ?? StudentForm.defaultOpinion,
            jobTitle: draft?.jobTitle ?? form?.jobTitle ?? "", workLocation: draft?.workLocation ?? form?.workLocation ?? "",
            remarks: draft?.remarks ?? form?.remarks ?? "", fieldError: error?.field, limits: Limits())
        return .page(PortalPage(title: "填写/编辑就业协议书", template: "student/edit", model: model,
                                status: error?.status ?? .ok, error: error?.message))
    }

    /// The student's basic information in the shape the shared partial reads.
    static func placeholder(_ s: StudentSnapshot) -> Agreement {
        Agreement(id: AgreementID.forStudent(s.studentID), status: .draft, student: s, employer: nil,
                  form: StudentForm(mobile: "", email: ""), version: 0, updatedAt: Date(timeIntervalSince1970: 0))
    }

    static let templates: [String: String] = [
        "student/home": """
        {{#noticesNeeded}}
        <section class="card notices" aria-labelledby="sec-notices"><h2 id="sec-notices">注意事项</h2>
        <p>签约前请阅读签约须知和违约说明。签约流程：填写并保存（确定）→ 正式提交 → 用人单位签约 → 确定签约信息 → 学院审核通过 → 打印三份 → 备案。<a href="{{base}}/template">查看协议书样本</a></p>
        <details open><summary>签约须知</summary><ol>{{#signingNotice}}<li>{{.}}</li>{{/signingNotice}}</ol></details>
        <details open><summary>违约说明</summary><ol>{{#breachExplanation}}<li>{{.}}</li>{{/breachExplanation}}</ol></details>
        <form method="post" action="{{base}}/notices" class="stack">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <div><input type="checkbox" id="n1" name="signingNotice" value="1"> <label for="n1" class="inline-label">我已阅读签约须知</label></div>
        <div><input type="checkbox" id="n2" name="breachExplanation" value="1"> <label for="n2" class="inline-label">我已阅读违约说明</label></div>
        <div class="actions"><button type="submit">我已阅读并知晓</button></div>
        </form></section>
        {{/noticesNeeded}}
        <section class="card" aria-labelledby="sec-basic"><h2 id="sec-basic">基本信息</h2>
        {{#student}}<dl class="grid"><dt>姓名</dt><dd>{{name}}</dd><dt>学号</dt><dd>{{studentID}}</dd><dt>性别</dt><dd>{{gender}}</dd>
        <dt>学院</dt><dd>{{collegeName}}</dd><dt>专业</dt><dd>{{major}}</dd><dt>学历</dt><dd>{{degree}}</dd>
        <dt>毕业年份</dt><dd>{{graduationYear}}</dd>{{/student}}<dt>生源信息审核状态</dt><dd>{{reviewStatus}}</dd></dl>
        <p class="muted">基本信息不能自行修改，如有错误请联系所在学院老师。</p>
        {{^canSign}}<p class="problem" role="alert">你的生源信息审核状态为“{{reviewStatus}}”，只有“审核完成”或“待就业处审核”才能签约。请联系学院老师。</p>{{/canSign}}
        </section>
        {{#agreement}}{{> portal/status}}{{/agreement}}
        <section class="card" aria-labelledby="sec-actions"><h2 id="sec-actions">办理</h2>
        <div class="actions">
        {{#canEdit}}<a class="button secondary" href="{{base}}/edit">填写/编辑就业协议书</a>{{/canEdit}}
        <form method="post" action="{{base}}/submit" class="inline"><input type="hidden" name="_csrf" value="{{csrf}}">
        <button type="submit" {{^canSubmit}}disabled aria-describedby="submit-why"{{/canSubmit}}>正式提交</button></form>
        {{#canConfirm}}<form method="post" action="{{base}}/confirm" class="inline"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit">确定签约信息</button></form>{{/canConfirm}}
        </div>
        {{#submitWhy}}<p id="submit-why" class="disabled-why">“正式提交”暂不可用：{{submitWhy}}</p>{{/submitWhy}}
        {{#canConfirm}}<p class="muted">请核对用人单位填写的信息。如有错误，请联系用人单位“拿回重签”。</p>{{/canConfirm}}
        {{#agreement}}{{> portal/print-actions}}
        {{/agreement}}
        </section>
        {{#agreement}}{{> portal/agreement}}{{> portal/timeline}}{{/agreement}}
        {{^agreement}}<p class="muted">尚未填写就业协议书。</p>{{/agreement}}
        <p><a href="{{base}}/template">协议书样本</a></p>
        """,
        "student/edit": """
        <form method="get" action="{{base}}/edit" class="card" role="search" aria-labelledby="sec-search">
        <h2 id="sec-search">选择签约单位</h2>
        <label for="q">单位名称或统一社会信用代码 <span class="hint">（模糊查询）</span></label>
        <div class="actions"><input type="search" id="q" name="q" value="{{q}}" maxlength="{{limits.query}}"
          data-employer-search="{{base}}/employers.json" aria-controls="choices" data-status="found-status">
        <button type="submit" class="secondary">查询</button></div>
        </form>
        <form method="post" action="{{base}}/edit" class="stack card">
        <input type="hidden" name="_csrf" value="{{csrf}}"><input type="hidden" name="q" value="{{q}}">
        <fieldset><legend>签约单位（选择）</legend>
        <p id="found-status" class="muted" role="status">找到 {{found}} 个单位</p>
        <ul class="choices" id="choices">
        {{#choices}}<li><label><input type="radio" name="employerID" value="{{employerID}}" required{{#checked}} checked{{/checked}}> 选择 <span>{{name}}（{{location}}，{{creditCode}}）</span></label></li>{{/choices}}
        </ul>
        </fieldset>
        <div><label for="mobile">手机号</label><input type="tel" id="mobile" name="mobile" value="{{mobile}}" required maxlength="20" autocomplete="tel"></div>
        <div><label for="email">电子邮箱</label><input type="email" id="email" name="email" value="{{email}}" required maxlength="{{limits.name}}" autocomplete="email"></div>
        <div><label for="personalOpinion">本人意见</label><textarea id="personalOpinion" name="personalOpinion" maxlength="{{limits.opinion}}">{{personalOpinion}}</textarea></div>
        <div><label for="jobTitle">工作岗位 <span class="hint">（选填）</span></label><input type="text" id="jobTitle" name="jobTitle" value="{{jobTitle}}" maxlength="{{limits.name}}"></div>
        <div><label for="workLocation">工作地点 <span class="hint">（选填）</span></label><input type="text" id="workLocation" name="workLocation" value="{{workLocation}}" maxlength="{{limits.name}}"></div>
        <div><label for="remarks">备注 <span class="hint">（选填：薪酬、合同期限、违约金等约定）</span></label><textarea id="remarks" name="remarks" maxlength="{{limits.remarks}}">{{remarks}}</textarea></div>
        <div class="actions"><button type="submit">确定</button><a href="{{base}}/" class="button secondary">取消</a></div>
        <p class="muted">点击“确定”只保存草稿，不会发送给用人单位；保存后在“我的签约”中点击“正式提交”。</p>
        </form>
        """,
    ]
}
