import AgreementDomain
import Foundation
import Hummingbird
import PortalKit
import ServiceKit

/// 网上签约审核 and 网上签约备案 for counselors and the employment office in a browser, through
/// `CollegeActions`, as the JSON API does.
struct CollegePortal: Sendable {
    let runtime: ServiceRuntime
    let portal: Portal
    var actions: CollegeActions { CollegeActions(runtime: runtime) }
    static let staff: Set<Role> = [.counselor, .employmentOffice]

    init(runtime: ServiceRuntime) throws {
        self.runtime = runtime
        portal = Portal(
            name: "college", title: "学院与就业指导中心", runtime: runtime, views: try PortalViews(Self.templates),
            messages: ["approved": "已审核通过，可以打印协议书。", "returned": "已退回学生。", "filed": "已备案。"],
            navigation: { _ in [NavItem(label: "网上签约审核", path: "/reviews"), NavItem(label: "网上签约备案", path: "/filing")] })
    }

    func add(to router: Router<AppRequestContext>) {
        portal.addCommonRoutes(to: router, home: "/reviews")
        // Development: one counselor per college on the roster (staff ID `T<college>01`), and the office.
        portal.addSignOnRoutes(to: router, signOn: portal.signOn(development: { [runtime] _ in
            try await CollegeStore.colleges(pool: runtime.pool).map { code, name in
                DevelopmentSignOn.Choice(identity: Identity(role: .counselor, subject: "T\(code)01", collegeCode: code), label: "\(name) 辅导员")
            } + [DevelopmentSignOn.Choice(identity: Identity(role: .employmentOffice, subject: "OFFICE01"), label: "就业指导中心 演示账号")]
        }))
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

    func handle(_ request: PortalRequest, error: APIError?) async throws -> PortalReply {
        let id = try request.context.parameters.identifier("id", label: "协议编号")
        let agreement = try await actions.visible(id, to: request.caller)
        let timeline = try await AgreementProjection.timeline(agreement.id, on: runtime.pool)
        // Pre-filled from this counselor's last review (the agreement's own review once approved).
        var last = agreement.review
        if last == nil, request.caller.role == .counselor { last = try await actions.prefill(for: request.caller) }
        var review = ["contactPerson": last?.contactPerson ?? "", "contactPhone": last?.contactPhone ?? "",
                      "postalCode": last?.postalCode ?? "", "mailingAddress": last?.mailingAddress ?? ""]
        if error != nil { for (k, v) in request.form.fields where review[k] != nil { review[k] = v } }
        let model = HandleModel(base: portal.path(""), csrf: request.csrf, id: id, agreement: AgreementDisplay(agreement, timeline: timeline),
                                canReview: agreement.status.awaitingReview, approved: agreement.status.isApproved,
                                canFile: agreement.status == .printed, review: review)
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
            canFile = s.status == AgreementStatus.printed.rawValue
        }
    }
    struct ListModel: Sendable {
        var base, q, view: String
        var pending, approved: Bool
        var rows: [Row]
        var hasRows: Bool
        var csrf: String
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
        var review: [String: String]
    }

    static let templates: [String: String] = [
        "college/reviews": """
        <nav aria-label="审核状态" class="actions">
        <a href="{{base}}/reviews?view=pending" class="button {{^pending}}secondary{{/pending}}"{{#pending}} aria-current="page"{{/pending}}>待审核</a>
        <a href="{{base}}/reviews?view=approved" class="button {{^approved}}secondary{{/approved}}"{{#approved}} aria-current="page"{{/approved}}>已通过</a>
        </nav>
        <form method="get" action="{{base}}/reviews" class="card" role="search">
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
        <div><label for="contactPerson">学校联系人</label><input type="text" id="contactPerson" name="contactPerson" value="{{review.contactPerson}}" required maxlength="50"></div>
        <div><label for="contactPhone">联系电话</label><input type="tel" id="contactPhone" name="contactPhone" value="{{review.contactPhone}}" required maxlength="20"></div>
        <div><label for="postalCode">邮政编码</label><input type="text" id="postalCode" name="postalCode" value="{{review.postalCode}}" required maxlength="6" inputmode="numeric"></div>
        <div><label for="mailingAddress">协议书邮寄地址</label><input type="text" id="mailingAddress" name="mailingAddress" value="{{review.mailingAddress}}" required maxlength="200"></div>
        </fieldset>
        <div class="actions"><button type="submit">通过</button></div>
        </form>
        <form method="post" action="{{base}}/agreements/{{id}}/return" class="stack card">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <div><label for="reason">退回原因 <span class="hint">（必填，学生可见）</span></label><textarea id="reason" name="reason" required maxlength="500"></textarea></div>
        <div class="actions"><button type="submit" class="danger">退回</button></div>
        </form>
        {{/canReview}}
        {{#canFile}}
        <form method="post" action="{{base}}/agreements/{{id}}/file" class="card"><input type="hidden" name="_csrf" value="{{csrf}}">
        <p>学生已交回盖章的协议书后，点击备案。</p><button type="submit">备案</button></form>
        {{/canFile}}
        {{#agreement}}{{> portal/agreement}}{{> portal/timeline}}{{/agreement}}
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
