import AgreementDomain
import Foundation
import Hummingbird
import PortalKit
import ServiceKit

/// 网上签约审核 and 网上签约备案 for counselors and the employment office in a browser, through
/// `CollegeActions`, as the JSON API does.
struct CollegePortal: Sendable {
    let portal: Portal
    let actions: CollegeActions
    var agreements: any AgreementReading { actions.agreements }
    let verification: PrintVerification
    static let staff: Set<Role> = [.counselor, .employmentOffice]

    init(parts: Portal.Parts, actions: CollegeActions, verification: PrintVerification) throws {
        self.actions = actions
        self.verification = verification
        let employerPortal = parts.settings.portalURLs["employer"]
        portal = Portal(
            name: "college", title: "学院与就业指导中心", parts: parts, views: try PortalViews(Self.templates),
            messages: ["approved": "已审核通过，可以打印协议书。", "returned": "已退回学生。", "filed": "已备案。",
                       "staff": "教职工名单已导入。",
                       "reprint": "已重新授权打印。"],
            navigation: { identity in
                var items = [NavItem(label: "网上签约审核", path: "/reviews"), NavItem(label: "网上签约备案", path: "/filing")]
                if identity.role == .employmentOffice {
                    items += [NavItem(label: "全部协议", path: "/all"), NavItem(label: "学生名单导入", path: "/office/roster"),
                              NavItem(label: "教职工名单", path: "/office/staff")]
                    // The registrations live with the registry, in the employer portal: the office is handed over.
                    if let employer = employerPortal {
                        items.append(NavItem(label: "用人单位注册审核", url: employer + "/office/login"))
                    }
                }
                return items
            })
    }

    func add(to router: Router<AppRequestContext>) {
        portal.addCommonRoutes(to: router, home: "/reviews")
        // Development: everyone in the staff directory, plus one office account to upload the first directory with.
        portal.addSignOnRoutes(to: router, signOn: portal.signOn(development: { [staff = actions.staff] search in
            let members = try await staff.members().filter { search == nil || $0.staffID == search }
            return members.map { member in
                DevelopmentSignOn.Choice(identity: StaffDirectory.identity(of: member),
                                         label: "\(member.name) · \(member.role.rawValue)\(member.collegeCode.map { "（\($0)）" } ?? "")")
            } + [DevelopmentSignOn.Choice(identity: Identity(role: .employmentOffice, subject: "OFFICE01"), label: "就业指导中心 初始账号")]
        }))
        portal.addHandoffRoutes(to: router, targets: ["employer": "/office/login"], roles: [.employmentOffice])
        portal.get("/all", on: router, roles: [.employmentOffice]) { request in
            let q = request.query("q").flatMap { $0.isEmpty ? nil : $0 }
            let found = try await actions.reviews(.all, query: q, for: request.caller)
            return .page(PortalPage(title: "全部协议", template: "college/reviews", model: ListModel(
                base: portal.path(""), q: q ?? "", view: "all", pending: false, approved: false,
                rows: found.map(Row.init), hasRows: !found.isEmpty, csrf: request.csrf, all: true)))
        }
        portal.get("/office/roster", on: router, roles: [.employmentOffice]) { request in
            .page(PortalPage(title: "学生名单导入", template: "college/upload", model: UploadModel(
                base: portal.path(""), csrf: request.csrf, action: portal.path("/office/roster"), roster: true, report: nil)))
        }
        portal.post("/office/roster", on: router, roles: [.employmentOffice]) { request in
            try await self.upload(request, roster: true) { try await actions.importRoster($0) }
        }
        portal.get("/office/staff", on: router, roles: [.employmentOffice]) { request in
            let members = try await actions.staff.members()
            return .page(PortalPage(title: "教职工名单", template: "college/upload", model: UploadModel(
                base: portal.path(""), csrf: request.csrf, action: portal.path("/office/staff"), roster: false, report: nil,
                staff: members.map { .init(staffID: $0.staffID, name: $0.name, role: $0.role.rawValue, collegeCode: $0.collegeCode ?? "") },
                hasStaff: !members.isEmpty)))
        }
        portal.post("/office/staff", on: router, roles: [.employmentOffice]) { request in
            try await self.upload(request, roster: false) { try await actions.importStaff($0) }
        }
        portal.get("/", on: router, roles: Self.staff) { _ in .redirect("/reviews") }
        portal.get("/reviews", on: router, roles: Self.staff) { request in
            let view = CollegeActions.View(rawValue: request.query("view") ?? "pending") ?? .pending
            let q = request.query("q").flatMap { $0.isEmpty ? nil : $0 }
            let found = try await actions.reviews(view, query: q, for: request.caller)
            return .page(PortalPage(title: "网上签约审核", template: "college/reviews", model: ListModel(
                base: portal.path(""), q: q ?? "", view: view.rawValue, pending: view == .pending, approved: view == .approved,
                rows: found.map(Row.init), hasRows: !found.isEmpty, csrf: request.csrf)))
        }
        portal.get("/agreements/:id", on: router, roles: Self.staff) { request in try await self.handle(request, error: nil) }
        portal.post("/agreements/:id/approve", on: router, roles: Self.staff) { request in
            try await self.command(request, done: "approved") { agreement, form in
                let review = CollegeReview(contactPerson: form.text("contactPerson"), contactPhone: form.text("contactPhone"),
                                           postalCode: form.text("postalCode"), mailingAddress: form.text("mailingAddress"))
                return try await actions.approve(agreement, review: review, by: request.caller)
            }
        }
        portal.post("/agreements/:id/return", on: router, roles: Self.staff) { request in
            try await self.command(request, done: "returned") { agreement, form in
                try await actions.giveBack(agreement, reason: form.text("reason"), by: request.caller)
            }
        }
        portal.post("/agreements/:id/file", on: router, roles: Self.staff) { request in
            try await self.command(request, done: "filed") { agreement, _ in try await actions.file(agreement, by: request.caller) }
        }
        // 打印预览 never records a copy; 打印 records the next one and opens it.
        portal.get("/agreements/:id/print/preview", on: router, roles: Self.staff) { request in
            let agreement = try await actions.visible(try request.context.parameters.identifier("id", label: "协议编号"), to: request.caller)
            return try PrintedAgreement.page(agreement, copy: nil, verification: verification, verifyBase: PrintedAgreement.verifyBase(portal),
                                             back: "/agreements/\(agreement.id.uuid.wire)", portal: portal)
        }
        portal.post("/agreements/:id/print", on: router, roles: Self.staff) { request in
            let id = try request.context.parameters.identifier("id", label: "协议编号")
            let agreement = try await actions.visible(id, to: request.caller)
            do {
                switch try await actions.printCopy(agreement, by: request.caller) {
                case .applied(_, let printed): return .redirect("/agreements/\(id)/print/copy/\(printed.copiesPrinted)")
                case .pending: return .redirect("/agreements/\(id)?done=pending")
                case .unchanged(let same): return .redirect("/agreements/\(id)/print/copy/\(same?.copiesPrinted ?? 1)")
                }
            } catch let error where APIError(mapping: error) != nil {
                return try await self.handle(request, error: APIError(mapping: error))
            }
        }
        portal.get("/agreements/:id/print/copy/:copy", on: router, roles: Self.staff) { request in
            let agreement = try await actions.visible(try request.context.parameters.identifier("id", label: "协议编号"), to: request.caller)
            return try PrintedAgreement.page(agreement, copy: Int(request.context.parameters.get("copy") ?? "") ?? 0, verification: verification,
                                             verifyBase: PrintedAgreement.verifyBase(portal), back: "/agreements/\(agreement.id.uuid.wire)", portal: portal)
        }
        portal.post("/agreements/:id/reprint", on: router, roles: [.employmentOffice]) { request in
            try await self.command(request, done: "reprint") { agreement, form in
                guard let extra = Int(form.text("extraCopies")) else { throw APIError.validation("请填写补打份数", field: "extraCopies") }
                return try await actions.authoriseReprint(agreement.id, extraCopies: extra, reason: form.text("reason"), by: request.caller)
            }
        }
        // The public verification page: what a copy's code says, for anyone holding the paper.
        portal.publicGet("/verify/:code", on: router) { request in
            let code = request.context.parameters.get("code") ?? ""
            guard let (number, copy) = verification.check(code),
                  let agreement = try await actions.byNumber(number) else {
                return .page(PortalPage(title: "协议书核验", template: "college/verify", model: VerifyModel(found: false, code: code),
                                        status: .notFound, showNavigation: false))
            }
            return .page(PortalPage(title: "协议书核验", template: "college/verify", model: VerifyModel(
                found: true, code: code, number: number.formatted,
                student: PrintedAgreement.masked(agreement.student.name), employer: agreement.employerOnAgreement?.name ?? "",
                status: agreement.status == .filed ? "已备案" : (agreement.status.isApproved ? "有效（学院审核通过）" : agreement.status.displayName),
                copy: copy, total: agreement.copiesAllowed, recorded: copy <= agreement.copiesPrinted), showNavigation: false))
        }
        portal.get("/filing", on: router, roles: Self.staff) { request in
            let studentID = request.query("studentID").flatMap { $0.isEmpty ? nil : $0 }
            let number = request.query("agreementNumber").flatMap { $0.isEmpty ? nil : $0 }
            let searched = studentID != nil || number != nil
            let found = searched ? try await actions.filing(studentID: studentID, agreementNumber: number, for: request.caller) : []
            return .page(PortalPage(title: "网上签约备案", template: "college/filing", model: FilingModel(
                base: portal.path(""), csrf: request.csrf, studentID: studentID ?? "", agreementNumber: number ?? "", searched: searched,
                rows: found.map(Row.init), hasRows: !found.isEmpty)))
        }
    }

    /// A CSV upload (roster or staff directory): the report, row by row, or the refusal above the form.
    private func upload(_ request: PortalRequest, roster: Bool,
                        _ run: (String) async throws -> CollegeActions.ImportReport) async throws -> PortalReply {
        let title = roster ? "学生名单导入" : "教职工名单"
        let action = portal.path(roster ? "/office/roster" : "/office/staff")
        do {
            guard let file = request.form.file("file"), !file.bytes.isEmpty else {
                throw APIError.validation("请选择要上传的 CSV 文件", field: "file")
            }
            let report = try await run(try CollegeActions.csvText(file.bytes))
            let rejected = report.rows.filter { $0.outcome != .imported }
            let model = UploadModel(base: portal.path(""), csrf: request.csrf, action: action, roster: roster, report: .init(
                imported: report.imported, rejected: report.rejected, filename: file.filename,
                rows: rejected.map { .init(row: $0.row, id: $0.studentID ?? "", error: $0.error ?? "") },
                hasRejected: !rejected.isEmpty))
            return .page(PortalPage(title: title, template: "college/upload", model: model))
        } catch let error where APIError(mapping: error) != nil {
            let mapped = APIError(mapping: error)!
            return .page(PortalPage(title: title, template: "college/upload",
                                    model: UploadModel(base: portal.path(""), csrf: request.csrf, action: action, roster: roster, report: nil),
                                    status: mapped.status, error: mapped.message))
        }
    }

    func handle(_ request: PortalRequest, error: APIError?) async throws -> PortalReply {
        let id = try request.context.parameters.identifier("id", label: "协议编号")
        let agreement = try await actions.visible(id, to: request.caller)
        let timeline = try await agreements.timeline(agreement.id, employerUpTo: nil)
        // Pre-filled from this counselor's last review (the agreement's own review once approved).
        var last = agreement.review
        if last == nil, request.caller.role == .counselor { last = try await actions.prefill(for: request.caller) }
        var review = ["contactPerson": last?.contactPerson ?? "", "contactPhone": last?.contactPhone ?? "",
                      "postalCode": last?.postalCode ?? "", "mailingAddress": last?.mailingAddress ?? ""]
        if error != nil { for (k, v) in request.form.fields where review[k] != nil { review[k] = v } }
        let model = HandleModel(base: portal.path(""), csrf: request.csrf, id: id, agreement: AgreementDisplay(agreement, timeline: timeline),
                                canReview: agreement.status.awaitingReview, approved: agreement.status.isApproved,
                                canFile: agreement.status == .printed, reviewForm: review,
                                office: request.caller.role == .employmentOffice, printPath: portal.path("/agreements/\(id)"))
        return .page(PortalPage(title: "查看/处理：\(agreement.student.name)", template: "college/handle", model: model,
                                status: error?.status ?? .ok, error: error?.message))
    }

    private func command(_ request: PortalRequest, done: String,
                         _ run: (Agreement, FormData) async throws -> CommandResult) async throws -> PortalReply {
        let id = try request.context.parameters.identifier("id", label: "协议编号")
        let agreement = try await actions.visible(id, to: request.caller)
        do {
            let result = try await run(agreement, request.form)
            if case .pending = result { return .redirect("/agreements/\(id)?done=pending") }
            return .redirect("/agreements/\(id)?done=\(done)")
        } catch let error where APIError(mapping: error) != nil {
            return try await handle(request, error: APIError(mapping: error))
        }
    }

    struct Row: Sendable {
        var id, studentID, studentName, employerName, statusName, agreementNumber, updatedAt: String
        var canFile: Bool
        init(_ s: AgreementSummary) {
            id = s.id
            studentID = s.studentID
            studentName = s.studentName
            employerName = s.employerName ?? ""
            statusName = s.statusName
            agreementNumber = s.agreementNumber ?? ""
            updatedAt = AgreementDisplay.time(s.updatedAt)
            canFile = s.status == .printed
        }
    }
    struct ListModel: Sendable {
        var base, q, view: String
        var pending, approved: Bool
        var rows: [Row]
        var hasRows: Bool
        var csrf: String
        var all = false
    }
    struct UploadModel: Sendable {
        struct Report: Sendable {
            struct Rejected: Sendable { var row: Int; var id: String; var error: String }
            var imported, rejected: Int
            var filename: String
            var rows: [Rejected]
            var hasRejected: Bool
        }
        struct Member: Sendable { var staffID, name, role, collegeCode: String }
        var base, csrf, action: String
        var roster: Bool
        var report: Report?
        var staff: [Member] = []
        var hasStaff = false
    }
    struct FilingModel: Sendable {
        var base, csrf, studentID, agreementNumber: String
        var searched: Bool
        var rows: [Row]
        var hasRows: Bool
    }
    struct HandleModel: Sendable {
        var base, csrf, id: String
        var agreement: AgreementDisplay
        var canReview, approved, canFile: Bool
        /// (Not `review`: a template looks a missing value up in the enclosing model, and the agreement has one.)
        var reviewForm: [String: String]
        var office: Bool
        /// Where 打印预览 and 打印 go.
        var printPath: String
    }
    struct VerifyModel: Sendable {
        var found: Bool
        var code: String
        var number = "", student = "", employer = "", status = ""
        var copy = 0, total = 0
        var recorded = false
    }

    static let templates: [String: String] = [
        "college/upload": """
        <form method="post" action="{{action}}" enctype="multipart/form-data" class="stack card">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        {{#roster}}<p>CSV 文件（UTF-8），首行为列名：studentID, name, gender, collegeCode, collegeName, major, degree, graduationYear, reviewStatus。已有学号的记录会被更新。</p>{{/roster}}
        {{^roster}}<p>CSV 文件（UTF-8），首行为列名：staffID, name, role（辅导员 或 就业指导中心）, collegeCode（辅导员必填）。登录时的身份和学院以此名单为准。</p>{{/roster}}
        <div><label for="file">选择文件</label><input type="file" id="file" name="file" accept=".csv,text/csv" required></div>
        <div class="actions"><button type="submit">上传并导入</button></div>
        </form>
        {{#report}}
        <section class="card" aria-labelledby="sec-report"><h2 id="sec-report">导入结果：{{filename}}</h2>
        <p role="status">导入 {{imported}} 行，拒绝 {{rejected}} 行。</p>
        {{#hasRejected}}<div class="table-wrap"><table><thead><tr><th scope="col">行号</th><th scope="col">{{#roster}}学号{{/roster}}{{^roster}}工号{{/roster}}</th><th scope="col">原因</th></tr></thead><tbody>
        {{#rows}}<tr><td>{{row}}</td><td>{{id}}</td><td>{{error}}</td></tr>{{/rows}}
        </tbody></table></div>{{/hasRejected}}
        </section>
        {{/report}}
        {{#hasStaff}}
        <section class="card" aria-labelledby="sec-staff"><h2 id="sec-staff">当前名单</h2>
        <div class="table-wrap"><table><thead><tr><th scope="col">工号</th><th scope="col">姓名</th><th scope="col">角色</th><th scope="col">学院代码</th></tr></thead><tbody>
        {{#staff}}<tr><td>{{staffID}}</td><td>{{name}}</td><td>{{role}}</td><td>{{collegeCode}}</td></tr>{{/staff}}
        </tbody></table></div></section>
        {{/hasStaff}}
        """,
        "college/reviews": """
        {{^all}}<nav aria-label="审核状态" class="actions">
        <a href="{{base}}/reviews?view=pending" class="button {{^pending}}secondary{{/pending}}"{{#pending}} aria-current="page"{{/pending}}>待审核</a>
        <a href="{{base}}/reviews?view=approved" class="button {{^approved}}secondary{{/approved}}"{{#approved}} aria-current="page"{{/approved}}>已通过</a>
        </nav>{{/all}}
        <form method="get" action="{{base}}/{{#all}}all{{/all}}{{^all}}reviews{{/all}}" class="card" role="search">
        <input type="hidden" name="view" value="{{view}}">
        <label for="q">按学生姓名或学号查询</label>
        <div class="actions"><input type="search" id="q" name="q" value="{{q}}" maxlength="50"><button type="submit" class="secondary">查询</button></div>
        </form>
        {{#hasRows}}<div class="table-wrap"><table><thead><tr><th scope="col">学号</th><th scope="col">姓名</th><th scope="col">用人单位</th><th scope="col">状态</th><th scope="col">协议书号</th><th scope="col">更新时间</th><th scope="col">操作</th></tr></thead><tbody>
        {{#rows}}<tr><td>{{studentID}}</td><td>{{studentName}}</td><td>{{employerName}}</td><td>{{statusName}}</td><td>{{agreementNumber}}</td><td>{{updatedAt}}</td><td><a href="{{base}}/agreements/{{id}}">查看/处理</a></td></tr>{{/rows}}
        </tbody></table></div>{{/hasRows}}
        {{^hasRows}}<p class="card">暂无协议。</p>{{/hasRows}}
        """,
        "college/handle": """
        {{#agreement}}{{> portal/status}}{{/agreement}}
        {{#canReview}}
        <form method="post" action="{{base}}/agreements/{{id}}/approve" class="stack card">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <fieldset class="stack"><legend>学院审核（均为必填，默认填入你上次审核的内容）</legend>
        <div><label for="contactPerson">学校联系人</label><input type="text" id="contactPerson" name="contactPerson" value="{{reviewForm.contactPerson}}" required maxlength="50"></div>
        <div><label for="contactPhone">联系电话</label><input type="tel" id="contactPhone" name="contactPhone" value="{{reviewForm.contactPhone}}" required maxlength="20"></div>
        <div><label for="postalCode">邮政编码</label><input type="text" id="postalCode" name="postalCode" value="{{reviewForm.postalCode}}" required maxlength="6" inputmode="numeric"></div>
        <div><label for="mailingAddress">协议书邮寄地址</label><input type="text" id="mailingAddress" name="mailingAddress" value="{{reviewForm.mailingAddress}}" required maxlength="200"></div>
        </fieldset>
        <div class="actions"><button type="submit">通过</button></div>
        </form>
        <form method="post" action="{{base}}/agreements/{{id}}/return" class="stack card">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <div><label for="reason">退回原因 <span class="hint">（必填，学生可见）</span></label><textarea id="reason" name="reason" required maxlength="500"></textarea></div>
        <div class="actions"><button type="submit" class="danger">退回</button></div>
        </form>
        {{/canReview}}
        <section class="card" aria-labelledby="sec-print"><h2 id="sec-print">打印</h2>
        {{#agreement}}{{> portal/print-actions}}{{/agreement}}
        </section>
        {{#office}}{{#approved}}
        <form method="post" action="{{base}}/agreements/{{id}}/reprint" class="stack card">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <fieldset class="stack"><legend>重新授权打印</legend>
        <div><label for="extraCopies">增加份数</label><input type="text" inputmode="numeric" id="extraCopies" name="extraCopies" value="1" required maxlength="1"></div>
        <div><label for="reprintReason">原因 <span class="hint">（必填）</span></label><textarea id="reprintReason" name="reason" required maxlength="500"></textarea></div>
        </fieldset>
        <div class="actions"><button type="submit" class="secondary">重新授权打印</button></div>
        </form>
        {{/approved}}{{/office}}
        {{#canFile}}
        <form method="post" action="{{base}}/agreements/{{id}}/file" class="card"><input type="hidden" name="_csrf" value="{{csrf}}">
        <p>学生已交回盖章的协议书后，点击备案。</p><button type="submit">备案</button></form>
        {{/canFile}}
        {{#agreement}}{{> portal/agreement}}{{> portal/timeline}}{{/agreement}}
        """,
        "college/verify": """
        {{#found}}
        <section class="card" aria-labelledby="sec-verify"><h2 id="sec-verify">核验结果</h2>
        <dl class="grid">
        <dt>协议书号</dt><dd>{{number}}</dd><dt>份数</dt><dd>第 {{copy}} 份 / 共 {{total}} 份</dd>
        <dt>毕业生</dt><dd>{{student}}</dd><dt>用人单位</dt><dd>{{employer}}</dd>
        <dt>协议状态</dt><dd>{{status}}</dd>
        <dt>该份是否已登记打印</dt><dd>{{#recorded}}是：该份已在系统中登记打印{{/recorded}}{{^recorded}}否：系统中没有该份的打印记录，请与学校核实{{/recorded}}</dd>
        </dl></section>
        {{/found}}
        {{^found}}<div class="problem" role="alert"><p>未找到该核验码对应的协议书（核验码：{{code}}）。请核对核验码，或与学校就业指导中心联系。</p></div>{{/found}}
        """,
        "college/filing": """
        <form method="get" action="{{base}}/filing" class="card stack" role="search">
        <div><label for="studentID">学号</label><input type="search" id="studentID" name="studentID" value="{{studentID}}" maxlength="20"></div>
        <div><label for="agreementNumber">协议书号</label><input type="search" id="agreementNumber" name="agreementNumber" value="{{agreementNumber}}" maxlength="20"></div>
        <div class="actions"><button type="submit" class="secondary">查询</button></div>
        </form>
        {{#hasRows}}<div class="table-wrap"><table><thead><tr><th scope="col">学号</th><th scope="col">姓名</th><th scope="col">用人单位</th><th scope="col">协议书号</th><th scope="col">状态</th><th scope="col">操作</th></tr></thead><tbody>
        {{#rows}}<tr><td>{{studentID}}</td><td>{{studentName}}</td><td>{{employerName}}</td><td>{{agreementNumber}}</td><td>{{statusName}}</td>
        <td>{{#canFile}}<form method="post" action="{{base}}/agreements/{{id}}/file" class="inline"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit" aria-label="备案 {{studentName}}">备案</button></form>{{/canFile}}{{^canFile}}<a href="{{base}}/agreements/{{id}}">查看/处理</a>{{/canFile}}</td></tr>{{/rows}}
        </tbody></table></div>{{/hasRows}}
        {{#searched}}{{^hasRows}}<p class="card">没有找到已审核通过的协议。</p>{{/hasRows}}{{/searched}}
        """,
    ]
}
