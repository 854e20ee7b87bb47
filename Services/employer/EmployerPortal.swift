import AgreementDomain
import Foundation
import Hummingbird
import PortalKit
import ServiceKit

/// The employer's backend for HR staff in a browser (签约须知, 待签约信息, 办理, 已签约信息, 批量签约), the
/// registration of new employers with a password account, and the office's approval of registrations (the
/// registry lives here). Every step goes through `EmployerActions`, as the JSON API does.
struct EmployerPortal: Sendable {
    let portal: Portal
    let throttle = LoginThrottle()
    let actions: EmployerActions
    let logins: any EmployerLoginStore
    var agreements: any AgreementReading { actions.agreements }
    static let employer: Set<Role> = [.employer]
    static let office: Set<Role> = [.employmentOffice]

    init(parts: Portal.Parts, actions: EmployerActions, logins: any EmployerLoginStore) throws {
        self.actions = actions
        self.logins = logins
        portal = Portal(
            name: "employer", title: "用人单位", parts: parts, views: try PortalViews(Self.templates),
            messages: ["registered": "注册信息已提交，请等待学校就业指导中心审核。",
                       "signed": "已确定签约，等待毕业生确认。",
                       "returned": "已退回，毕业生修改后将重新提交。",
                       "takenBack": "已拿回，协议重新出现在“待签约信息”中。",
                       "approved": "已通过该单位的注册。",
                       "passwordChanged": "密码已修改。"],
            navigation: { identity in
                if identity.role == .employmentOffice { return [NavItem(label: "用人单位注册审核", path: "/office")] }
                let pending = try await actions.pendingCount(for: identity)
                return [NavItem(label: "签约须知", path: "/"), NavItem(label: "待签约信息", path: "/pending", badge: pending > 0 ? pending : nil),
                        NavItem(label: "已签约信息", path: "/signed"), NavItem(label: "修改密码", path: "/password")]
            })
    }

    func add(to router: Router<AppRequestContext>) {
        portal.addCommonRoutes(to: router)
        addLogin(to: router)
        // The office signs on at the college portal (the campus sign-on and the staff directory live there) and is
        // handed over with a one-time ticket.
        portal.addSignOnRoutes(to: router, at: "/office/login", signOn: portal.handoffSignOn(from: "college", roles: Self.office))
        portal.get("/", on: router, roles: Self.employer.union(Self.office)) { request in
            if request.caller.role == .employmentOffice { return .redirect("/office") }
            let account = try await actions.accounts.account(request.caller.subject)
            return .page(PortalPage(title: "签约须知", template: "employer/home", model: HomeModel(
                notice: NoticeTexts.employerNotice, base: portal.path(""), name: account?.employer.name ?? request.caller.subject,
                approved: account?.status == .approved, logins: try await logins.logins(of: request.caller.subject).joined(separator: "、"))))
        }
        portal.get("/pending", on: router, roles: Self.employer) { request in try await self.list(request, .pending) }
        portal.get("/signed", on: router, roles: Self.employer) { request in try await self.list(request, .signed) }
        portal.get("/agreements/:id", on: router, roles: Self.employer) { request in try await self.handle(request, error: nil) }
        portal.post("/agreements/:id/sign", on: router, roles: Self.employer) { request in
            try await self.command(request, done: "signed", back: "/pending") { agreement, form in
                try await actions.sign(agreement, opinion: form.text("employerOpinion"), supervisor: form.optional("supervisorOpinion"),
                                       corrected: Self.employer(from: form, id: request.caller.subject), by: request.caller)
            }
        }
        portal.post("/agreements/:id/return", on: router, roles: Self.employer) { request in
            try await self.command(request, done: "returned", back: "/pending") { agreement, form in
                try await actions.giveBack(agreement, reason: form.text("reason"), by: request.caller)
            }
        }
        portal.post("/agreements/:id/take-back", on: router, roles: Self.employer) { request in
            try await self.command(request, done: "takenBack", back: "/pending") { agreement, form in
                try await actions.takeBack(agreement, reason: form.text("reason"), by: request.caller)
            }
        }
        portal.post("/batch-sign", on: router, roles: Self.employer) { request in
            let ids = request.form.all("agreementID")
            do {
                let results = try await actions.batchSign(ids, opinion: request.form.text("employerOpinion"),
                                                          supervisor: request.form.optional("supervisorOpinion"), by: request.caller)
                let names = Dictionary(try await actions.list(.all, query: nil, for: request.caller).map { ($0.id, $0.studentName) },
                                       uniquingKeysWith: { a, _ in a })
                let rows = results.map { r in
                    BatchRow(student: names[r.agreementID] ?? r.agreementID, outcome: Self.outcomeName(r.outcome), ok: r.outcome != .refused,
                             message: r.error?.message)
                }
                return .page(PortalPage(title: "批量签约结果", template: "employer/batch", model: BatchModel(
                    rows: rows, applied: results.count(of: .applied), failed: results.count(of: .refused), base: portal.path(""))))
            } catch let error where APIError(mapping: error) != nil {
                return try await self.list(request, .pending, error: APIError(mapping: error))
            }
        }
        portal.get("/password", on: router, roles: Self.employer) { request in
            .page(PortalPage(title: "修改密码", template: "employer/password", model: CSRFModel(csrf: request.csrf, base: portal.path(""))))
        }
        portal.post("/password", on: router, roles: Self.employer) { request in
            do {
                try await logins.changePassword(of: request.caller.subject, current: request.form.text("currentPassword"),
                                                        new: request.form.text("password"), confirmation: request.form.text("passwordConfirmation"))
                return .redirect("/?done=passwordChanged")
            } catch let error as APIError {
                return .page(PortalPage(title: "修改密码", template: "employer/password", model: CSRFModel(csrf: request.csrf, base: portal.path("")),
                                        status: error.status, error: error.message))
            }
        }
        // The office: registrations to approve.
        portal.get("/office", on: router, roles: Self.office) { request in
            let pending = try await actions.accounts.accounts(status: .pending)
            return .page(PortalPage(title: "用人单位注册审核", template: "employer/office", model: OfficeModel(
                csrf: request.csrf, base: portal.path(""),
                rows: pending.map { .init(employerID: $0.employerID, name: $0.employer.name, creditCode: $0.employer.creditCode,
                                          location: $0.employer.location, contact: "\($0.employer.contactPerson) \($0.employer.contactPhone)",
                                          registeredAt: AgreementDisplay.time($0.registeredAt)) },
                hasRows: !pending.isEmpty)))
        }
        portal.post("/office/:employerID/approve", on: router, roles: Self.office) { request in
            let id = try request.context.parameters.identifier("employerID", label: "单位编号")
            _ = try await actions.approve(id, by: request.caller)
            return .redirect("/office?done=approved")
        }
    }

    // MARK: Login and registration

    func addLogin(to router: Router<AppRequestContext>) {
        portal.publicGet("/login", on: router) { request in
            .page(PortalPage(title: "用人单位登录", template: "employer/login",
                             model: LoginModel(csrf: request.csrf, base: portal.path(""), login: "", next: request.query("next") ?? "/"),
                             showNavigation: false))
        }
        portal.publicPost("/login", on: router) { request in
            let login = EmployerLogins.normalized(request.form.text("login"))
            func refuse(_ message: String, _ status: HTTPResponse.Status) -> PortalReply {
                .page(PortalPage(title: "用人单位登录", template: "employer/login",
                                 model: LoginModel(csrf: request.csrf, base: portal.path(""), login: login, next: request.form["next"] ?? "/"),
                                 status: status, error: message, showNavigation: false))
            }
            if let until = throttle.blockedUntil(login) {
                return refuse("登录失败次数过多，请于 \(AgreementDisplay.time(until)) 后再试", .tooManyRequests)
            }
            guard !login.isEmpty, let employerID = try await logins.verify(login: login, password: request.form.text("password")) else {
                throttle.failed(login)
                return refuse("登录名或密码不正确", .unauthorized)
            }
            throttle.succeeded(login)
            return try await portal.signIn(Identity(role: .employer, subject: employerID), next: request.form["next"] ?? "/")
        }
        portal.publicGet("/register", on: router) { request in
            .page(PortalPage(title: "用人单位注册", template: "employer/register", model: RegisterModel(csrf: request.csrf, base: portal.path(""), form: [:]),
                             showNavigation: false))
        }
        portal.publicPost("/register", on: router) { request in
            let form = request.form
            do {
                try EmployerLogins.checkPassword(form.text("password"), confirmation: form.text("passwordConfirmation"))
                let email = form.optional("loginEmail")
                if let email, !email.contains("@") { throw APIError.validation("登录邮箱格式不正确", field: "loginEmail") }
                let id = try await logins.nextEmployerID()
                let employer = Self.employer(from: form, id: id) ?? EmployerSnapshot(employerID: id, name: "", creditCode: "", type: "", industry: "",
                                                                                     location: "", contactPerson: "", contactPhone: "", address: "", postalCode: "")
                let logins = [employer.creditCode] + (email.map { [$0] } ?? [])
                let password = form.text("password")
                _ = try await actions.register(employer, alsoWrite: { connection in
                    try await EmployerLogins.create(logins: logins, password: password, employerID: id, on: connection)
                })
                return try await portal.signIn(Identity(role: .employer, subject: id), next: "/?done=registered")
            } catch let error where APIError(mapping: error) != nil {
                let mapped = APIError(mapping: error)!
                var values = Dictionary(form.fields.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
                values["password"] = nil
                values["passwordConfirmation"] = nil
                return .page(PortalPage(title: "用人单位注册", template: "employer/register",
                                        model: RegisterModel(csrf: request.csrf, base: portal.path(""), form: values),
                                        status: mapped.status, error: mapped.message, showNavigation: false))
            }
        }
    }

    /// The employer section as the form has it (registration, or a correction when signing); nil when absent.
    static func employer(from form: FormData, id: String) -> EmployerSnapshot? {
        guard form["name"] != nil else { return nil }
        return EmployerSnapshot(employerID: id, name: form.text("name"), creditCode: form.text("creditCode"), type: form.text("type"),
                                industry: form.text("industry"), location: form.text("location"), contactPerson: form.text("contactPerson"),
                                contactPhone: form.text("contactPhone"), address: form.text("address"), postalCode: form.text("postalCode"),
                                archiveAddress: form.optional("archiveAddress"))
    }

    // MARK: Agreements

    func list(_ request: PortalRequest, _ view: EmployerActions.View, error: APIError? = nil) async throws -> PortalReply {
        let q = request.query("q")
        let found = try await actions.list(view, query: q?.isEmpty == false ? q : nil, for: request.caller)
        let model = ListModel(
            csrf: request.csrf, base: portal.path(""), q: q ?? "", action: portal.path(view == .pending ? "/pending" : "/signed"),
            pending: view == .pending,
            rows: found.map { .init(id: $0.id, studentID: $0.studentID, studentName: $0.studentName, statusName: $0.statusName,
                                    updatedAt: AgreementDisplay.time($0.updatedAt)) },
            hasRows: !found.isEmpty, count: found.count)
        return .page(PortalPage(title: view == .pending ? "待签约信息" : "已签约信息", template: "employer/list", model: model,
                                status: error?.status ?? .ok, error: error?.message))
    }

    func handle(_ request: PortalRequest, error: APIError?) async throws -> PortalReply {
        let id = try request.context.parameters.identifier("id", label: "协议编号")
        let visible = try await actions.visible(id, to: request.caller)
        let shown = visible.shown
        let timeline = try await agreements.timeline(shown.id, employerUpTo: visible.employerHistory ? shown.version : nil)
        let section = shown.employerSection
        let employer = section?.employer ?? shown.employer
        var values: [String: String] = [:]
        if let e = employer {
            values = ["name": e.name, "creditCode": e.creditCode, "type": e.type, "industry": e.industry, "location": e.location,
                      "contactPerson": e.contactPerson, "contactPhone": e.contactPhone, "address": e.address, "postalCode": e.postalCode,
                      "archiveAddress": e.archiveAddress ?? "", "employerOpinion": section?.employerOpinion ?? "同意接收",
                      "supervisorOpinion": section?.supervisorOpinion ?? ""]
        }
        if error != nil { for (k, v) in request.form.fields where k != "_csrf" { values[k] = v } }
        let model = HandleModel(
            csrf: request.csrf, base: portal.path(""), id: id, agreement: AgreementDisplay(shown, timeline: timeline),
            canSign: shown.status.awaitingEmployer, canTakeBack: shown.status == .employerSigned, form: values)
        return .page(PortalPage(title: "办理：\(shown.student.name)", template: "employer/handle", model: model,
                                status: error?.status ?? .ok, error: error?.message))
    }

    private func command(_ request: PortalRequest, done: String, back: String,
                         _ run: (Agreement, FormData) async throws -> CommandResult) async throws -> PortalReply {
        let id = try request.context.parameters.identifier("id", label: "协议编号")
        let agreement = try await actions.visible(id, to: request.caller).current
        do {
            let result = try await run(agreement, request.form)
            if case .pending = result { return .redirect("\(back)?done=pending") }
            return .redirect("\(back)?done=\(done)")
        } catch let error where APIError(mapping: error) != nil {
            return try await handle(request, error: APIError(mapping: error))
        }
    }

    static func outcomeName(_ outcome: EmployerActions.BatchResult.Outcome) -> String {
        switch outcome {
        case .applied: "已签约"
        case .pending: "处理中"
        case .unchanged: "无变化（已签约）"
        case .refused: "未签约"
        }
    }

    // MARK: Models

    struct CSRFModel: Sendable { var csrf: String; var base: String }
    struct HomeModel: Sendable { var notice: [String]; var base: String; var name: String; var approved: Bool; var logins: String }
    struct LoginModel: Sendable { var csrf, base, login, next: String }
    struct RegisterModel: Sendable { var csrf, base: String; var form: [String: String] }
    struct ListModel: Sendable {
        struct Row: Sendable { var id, studentID, studentName, statusName, updatedAt: String }
        var csrf, base, q, action: String
        var pending: Bool
        var rows: [Row]
        var hasRows: Bool
        var count: Int
    }
    struct HandleModel: Sendable {
        var csrf, base, id: String
        var agreement: AgreementDisplay
        var canSign, canTakeBack: Bool
        var form: [String: String]
    }
    struct BatchRow: Sendable { var student, outcome: String; var ok: Bool; var message: String? }
    struct BatchModel: Sendable { var rows: [BatchRow]; var applied, failed: Int; var base: String }
    struct OfficeModel: Sendable {
        struct Row: Sendable { var employerID, name, creditCode, location, contact, registeredAt: String }
        var csrf, base: String
        var rows: [Row]
        var hasRows: Bool
    }
}
