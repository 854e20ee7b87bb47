import AgreementDomain
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ServiceKit

/// One role's portal: server-rendered pages under the service's base path, with a session cookie of its own that
/// carries the same token the JSON API accepts, and CSRF protection on every form.
///
/// A page handler gets a ``PortalRequest`` (the caller, the form, the CSRF token) and answers a ``PortalReply``;
/// refusals it does not handle itself (an ``APIError``, a domain refusal) become an error page with the API's
/// message. The pages call the same domain commands as the JSON routes: no rule is coded here.
public struct Portal: Sendable {
    /// `student`, `employer` or `college`: names the cookies.
    public let name: String
    /// Shown in the header, e.g. 学生签约.
    public let title: String
    public let settings: ServiceConfiguration.PortalSettings
    let tokens: TokenAuthority
    let logger: Logger
    public let views: PortalViews
    /// How long a session stays valid without activity (renewed while the person is active).
    public let sessionLifetime: TimeInterval
    /// The header's navigation for a signed-in person (badges included).
    let navigation: @Sendable (Identity) async throws -> [NavItem]
    /// The short messages a redirect may show (`?done=key`).
    let messages: [String: String]
    /// The Content-Security-Policy of this portal's pages: forms post to this origin, and a sign-on that began with
    /// a form may be redirected on to the other portals (their origins differ when they run on their own ports).
    let contentSecurityPolicy: String

    /// What every portal is built from, taken from the service's runtime in its `build` function.
    public struct Parts: Sendable {
        public var settings: ServiceConfiguration.PortalSettings
        var tokens: TokenAuthority
        var logger: Logger
        /// A portal session lasts two hours at most, and never longer than a token may.
        var sessionLifetime: TimeInterval

        public init(settings: ServiceConfiguration.PortalSettings, tokens: TokenAuthority, logger: Logger, tokenMaxLifetime: TimeInterval) {
            self.settings = settings
            self.tokens = tokens
            self.logger = logger
            self.sessionLifetime = min(2 * 3600, tokenMaxLifetime)
        }
    }

    public init(name: String, title: String, parts: Parts, views: PortalViews,
                messages: [String: String] = [:],
                navigation: @escaping @Sendable (Identity) async throws -> [NavItem]) {
        self.init(name: name, title: title, settings: parts.settings, tokens: parts.tokens, logger: parts.logger,
                  views: views, sessionLifetime: parts.sessionLifetime, messages: messages, navigation: navigation)
    }

    /// A portal from its parts (tests build one without a database or broker).
    init(name: String, title: String, settings: ServiceConfiguration.PortalSettings, tokens: TokenAuthority, logger: Logger,
         views: PortalViews, sessionLifetime: TimeInterval, messages: [String: String] = [:],
         navigation: @escaping @Sendable (Identity) async throws -> [NavItem]) {
        self.name = name
        self.title = title
        self.settings = settings
        self.tokens = tokens
        self.logger = logger
        self.views = views
        self.sessionLifetime = sessionLifetime
        self.navigation = navigation
        self.messages = Portal.commonMessages.merging(messages) { _, new in new }
        contentSecurityPolicy = PortalAssets.contentSecurityPolicy(formTargets: Self.origins(of: settings.portalURLs.values))
    }

    /// `scheme://host[:port]` of each URL, once each, sorted.
    static func origins(of urls: some Sequence<String>) -> [String] {
        Set(urls.compactMap { url -> String? in
            guard let parts = URLComponents(string: url), let scheme = parts.scheme, let host = parts.host else { return nil }
            return "\(scheme)://\(host)" + (parts.port.map { ":\($0)" } ?? "")
        }).sorted()
    }

    static let commonMessages = [
        "pending": "操作已受理，正在处理中，页面将在几秒后自动刷新显示结果",
        "loggedOut": "已安全退出",
    ]

    public var sessionCookie: String { "wq_\(name)_session" }
    var csrfCookie: String { "wq_\(name)_csrf" }

    /// A path of this portal, e.g. `path("/agreement")` → `/student/agreement`.
    public func path(_ suffix: String = "/") -> String { settings.basePath + suffix }

    // MARK: Routes

    /// A page for signed-in people of `roles`; anyone else is sent to the login page (or told they may not).
    public func get(_ path: String, on router: Router<AppRequestContext>, roles: Set<Role>,
                    _ handler: @escaping @Sendable (PortalRequest) async throws -> PortalReply) {
        router.get(RouterPath(self.path(path))) { request, context in
            try await self.respond(request, context, roles: roles, handler)
        }
    }

    /// A form target for signed-in people of `roles`; refused without the page's CSRF token.
    public func post(_ path: String, on router: Router<AppRequestContext>, roles: Set<Role>,
                     _ handler: @escaping @Sendable (PortalRequest) async throws -> PortalReply) {
        router.post(RouterPath(self.path(path))) { request, context in
            try await self.respond(request, context, roles: roles, handler)
        }
    }

    /// A page anyone may open (login, registration, verification); the caller is given when signed in.
    public func publicGet(_ path: String, on router: Router<AppRequestContext>,
                          _ handler: @escaping @Sendable (PortalRequest) async throws -> PortalReply) {
        router.get(RouterPath(self.path(path))) { request, context in
            try await self.respond(request, context, roles: nil, handler)
        }
    }

    /// A form target anyone may post to (login, registration); still needs the page's CSRF token.
    public func publicPost(_ path: String, on router: Router<AppRequestContext>,
                           _ handler: @escaping @Sendable (PortalRequest) async throws -> PortalReply) {
        router.post(RouterPath(self.path(path))) { request, context in
            try await self.respond(request, context, roles: nil, handler)
        }
    }

    /// The routes every portal has: its assets, the root redirect and logout.
    public func addCommonRoutes(to router: Router<AppRequestContext>, home: String = "/") {
        router.get(RouterPath(path("/assets/portal.css"))) { _, _ in PortalAssets.response(PortalAssets.css, type: "text/css; charset=utf-8") }
        router.get(RouterPath(path("/assets/portal.js"))) { _, _ in PortalAssets.response(PortalAssets.js, type: "text/javascript; charset=utf-8") }
        // The service's root opens its portal (`/student` and `/student/` are one route: the page itself).
        if settings.basePath != "/" && !settings.basePath.isEmpty {
            router.get("/") { _, _ in Response.redirect(to: self.path(home), type: .normal) }
        }
        // Any other page of this portal: a page saying so, not the API's JSON.
        publicGet("/**", on: router) { _ in throw APIError.notFound("没有这个页面") }
        publicPost("/logout", on: router) { _ in
            var reply = PortalReply.redirect("/login?done=loggedOut")
            reply.clearSession = true
            return reply
        }
    }

    // MARK: Sessions

    /// The answer that signs `identity` in and sends them to `next` (a path of this portal).
    public func signIn(_ identity: Identity, next: String = "/") async throws -> PortalReply {
        let token = try await tokens.sign(identity, validFor: sessionLifetime)
        var reply = PortalReply.redirect(Self.safeNext(next))
        reply.newSession = token
        return reply
    }

    /// `?next=<path>` (after `separator`) for a redirect that must come back to `next`; nothing for the home page.
    static func nextParameter(_ next: String, after separator: String = "?") -> String {
        next == "/" || next.isEmpty ? "" : separator + "next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/")
    }

    /// Only a path of this portal: never another site (an open redirect).
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"),
              next.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else { return "/" }
        return next
    }

    func cookie(_ name: String, _ value: String, maxAge: Int, sameSite: Cookie.SameSite = .lax) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: settings.basePath.isEmpty ? "/" : settings.basePath,
               secure: settings.secureCookies, httpOnly: true, sameSite: sameSite)
    }

    // MARK: Answering

    func respond(_ request: Request, _ context: AppRequestContext, roles: Set<Role>?,
                 _ handler: @Sendable (PortalRequest) async throws -> PortalReply) async throws -> Response {
        let existingCSRF = request.cookies[csrfCookie]?.value
        let csrf = existingCSRF.flatMap { $0.count == 43 ? $0 : nil } ?? Self.randomToken()
        var identity: Identity?
        var renewed: String?
        if let token = request.cookies[sessionCookie]?.value,
           let verified = try? await tokens.verifyWithExpiry(token) {
            identity = verified.identity
            if verified.expires.timeIntervalSinceNow < sessionLifetime / 2 {
                renewed = try? await tokens.sign(verified.identity, validFor: sessionLifetime)
            }
        }
        var portalRequest = PortalRequest(request: request, context: context, identity: identity, csrf: csrf, form: FormData())
        var reply: PortalReply
        do {
            if request.method == .post {
                let type = request.headers[.contentType] ?? ""
                if type.lowercased().hasPrefix("application/x-www-form-urlencoded") {
                    let body = try await request.body.collect(upTo: 1024 * 1024)
                    portalRequest.form = FormData(urlEncoded: String(decoding: body.readableBytesView, as: UTF8.self))
                } else if type.lowercased().hasPrefix("multipart/form-data"), let boundary = MultipartForm.boundary(of: type) {
                    // A file upload (the roster, the staff directory): up to the service's upload size.
                    let body = try await request.body.collect(upTo: context.maxUploadSize)
                    do { portalRequest.form = try MultipartForm.parse(body, boundary: boundary) } catch {
                        throw APIError.badRequest("malformed_body", "上传的表单格式不正确")
                    }
                } else {
                    throw APIError(.unsupportedMediaType, code: "unsupported_media_type", message: "表单提交格式不正确")
                }
                guard let sent = portalRequest.form["_csrf"], let existingCSRF,
                      Self.constantTimeEqual(sent, existingCSRF) else {
                    throw APIError(.forbidden, code: "csrf_failed", message: "页面已过期或来源不明，请刷新页面后重试")
                }
            }
            if let roles {
                guard let identity else {
                    // Back to the page asked for, query included (a sign-on hand-off carries its own `next`).
                    let query = request.uri.query.map { $0.isEmpty ? "" : "?" + $0 } ?? ""
                    let next = request.method == .get ? String(request.uri.path.dropFirst(settings.basePath.count)) + query : "/"
                    return try await finish(.redirect("/login" + Self.nextParameter(next)), portalRequest, renewed: nil)
                }
                guard roles.contains(identity.role) else {
                    throw APIError.forbidden("当前登录身份无权访问此页面")
                }
            }
            reply = try await handler(portalRequest)
        } catch {
            var mapped = APIError(mapping: error)
            if mapped == nil, let http = error as? any HTTPResponseError, http.status == .contentTooLarge {
                mapped = APIError(.contentTooLarge, code: "body_too_large", message: "上传的内容过大")
            }
            guard let mapped else {
                if error is CancellationError { throw error }
                logger.error("page failed", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
                reply = errorPage(APIError(.internalServerError, code: "internal", message: "系统繁忙，请稍后重试"))
                return try await finish(reply, portalRequest, renewed: renewed)
            }
            reply = errorPage(mapped)
        }
        return try await finish(reply, portalRequest, renewed: renewed)
    }

    func errorPage(_ error: APIError) -> PortalReply {
        .page(PortalPage(title: error.status == .notFound ? "未找到" : "操作未完成", template: "portal/error",
                         model: ErrorModel(message: error.message, code: error.code, home: path("/")), status: error.status))
    }

    struct ErrorModel: Sendable { var message: String; var code: String; var home: String }

    func finish(_ reply: PortalReply, _ request: PortalRequest, renewed: String?) async throws -> Response {
        var response: Response
        var identity = request.identity
        switch reply.kind {
        case .redirect(let target):
            response = Response.redirect(to: path(target.hasPrefix("/") ? target : "/" + target), type: .found)
        case .elsewhere(let url):
            response = Response.redirect(to: url, type: .found)
        case .page(let page):
            if reply.clearSession { identity = nil }
            var layout = LayoutModel(
                title: page.title, portalTitle: title, base: settings.basePath, csrf: request.csrf,
                user: identity.map { Self.describe($0) }, nav: [], flash: request.query("done").flatMap { messages[$0] },
                error: page.error, body: "", portals: Self.portalLinks(settings, except: name))
            // A command still being applied: the page reloads itself once, without the notice, to show the outcome.
            if request.query("done") == "pending" { layout.reloadTo = request.request.uri.path }
            if let identity, page.showNavigation {
                let current = String(request.request.uri.path.dropFirst(settings.basePath.count))
                layout.nav = try await navigation(identity).map { item in
                    var item = item
                    guard !item.external else { return item }
                    item.current = item.path == current || (item.path != "/" && current.hasPrefix(item.path + "/"))
                    item.href = path(item.path)
                    return item
                }
            }
            layout.body = try views.render(page.model, template: page.template)
            response = PortalAssets.html(try views.render(layout, template: "portal/layout"), status: page.status)
        case .raw(let raw):
            response = raw
        }
        response.headers[.cacheControl] = response.headers[.cacheControl] ?? "no-store"
        if response.headers[.contentSecurityPolicy] != nil { response.headers[.contentSecurityPolicy] = contentSecurityPolicy }
        if request.request.cookies[csrfCookie]?.value != request.csrf {
            response.setCookie(cookie(csrfCookie, request.csrf, maxAge: 12 * 3600, sameSite: .strict))
        }
        if reply.clearSession {
            response.setCookie(cookie(sessionCookie, "", maxAge: 0))
        } else if let token = reply.newSession ?? renewed {
            response.setCookie(cookie(sessionCookie, token, maxAge: Int(sessionLifetime)))
        }
        return response
    }

    /// How the header names the signed-in person.
    static func describe(_ identity: Identity) -> String {
        switch identity.role {
        case .student: "学生 \(identity.subject)"
        case .employer: "用人单位 \(identity.subject)"
        case .counselor: "辅导员 \(identity.subject)（学院 \(identity.collegeCode ?? "")）"
        case .employmentOffice: "就业指导中心 \(identity.subject)"
        }
    }

    static let portalNames = [("student", "学生入口"), ("employer", "用人单位入口"), ("college", "学院与就业指导中心入口")]

    static func portalLinks(_ settings: ServiceConfiguration.PortalSettings, except name: String) -> [NavItem] {
        portalNames.filter { $0.0 != name }.compactMap { key, label in
            settings.portalURLs[key].map { NavItem(label: label, path: "", href: $0 + "/") }
        }
    }

    static func randomToken() -> String {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        return bytes.base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// One link of the header's navigation.
public struct NavItem: Sendable {
    public var label: String
    /// The portal path it opens, e.g. `/pending`.
    public var path: String
    /// A count shown beside it (待签约信息's unhandled agreements), nil for none.
    public var badge: Int?
    var href: String
    var current = false

    public init(label: String, path: String, badge: Int? = nil) {
        self.label = label
        self.path = path
        self.badge = badge
        self.href = path
    }

    /// A link to another portal's page, at a URL from the configuration.
    public init(label: String, url: String) {
        self.init(label: label, path: "")
        href = url
        external = true
    }
    var external = false

    init(label: String, path: String, href: String) {
        self.label = label
        self.path = path
        self.href = href
    }
}

struct LayoutModel: Sendable {
    var title: String
    var portalTitle: String
    var base: String
    var csrf: String
    var user: String?
    /// (Templates see stored properties only.)
    var nav: [NavItem] { didSet { hasNav = !nav.isEmpty } }
    var hasNav = false
    var flash: String?
    var error: String?
    var body: String
    var portals: [NavItem]
    /// Where the page reloads itself to after a few seconds (a pending command), nil for never.
    var reloadTo: String?
}

/// What a page handler is given.
public struct PortalRequest: Sendable {
    public let request: Request
    public let context: AppRequestContext
    /// The signed-in person; never nil on pages registered with roles.
    public let identity: Identity?
    /// The CSRF token every form of the page must send back as `_csrf`.
    public let csrf: String
    /// The posted form (empty for GET).
    public internal(set) var form: FormData

    /// The signed-in person (pages registered with roles only).
    public var caller: Identity {
        guard let identity else { preconditionFailure("a page registered without roles asked for its caller") }
        return identity
    }

    /// A query parameter's value.
    public func query(_ name: String) -> String? { request.uri.queryParameters[Substring(name)].map(String.init) }
}

/// A page to render: its template, the model the template reads, and the layout's parts.
public struct PortalPage: Sendable {
    public var title: String
    public var template: String
    public var model: any Sendable
    public var status: HTTPResponse.Status
    /// A problem to show above the page (a refused form), in Chinese.
    public var error: String?
    public var showNavigation: Bool

    public init(title: String, template: String, model: any Sendable, status: HTTPResponse.Status = .ok,
                error: String? = nil, showNavigation: Bool = true) {
        self.title = title
        self.template = template
        self.model = model
        self.status = status
        self.error = error
        self.showNavigation = showNavigation
    }
}

/// A page handler's answer.
public struct PortalReply: Sendable {
    enum Kind: Sendable {
        case page(PortalPage)
        case redirect(String)
        case elsewhere(String)
        case raw(Response)
    }
    var kind: Kind
    var newSession: String?
    var clearSession = false

    /// Renders `page` in the portal's layout.
    public static func page(_ page: PortalPage) -> PortalReply { PortalReply(kind: .page(page)) }
    /// Sends the browser to a path of this portal (after a form: post/redirect/get).
    public static func redirect(_ path: String) -> PortalReply { PortalReply(kind: .redirect(path)) }
    /// Sends the browser to another portal (a URL from the configuration, never one from the request).
    static func elsewhere(_ url: String) -> PortalReply { PortalReply(kind: .elsewhere(url)) }
    /// A response built by the handler (a JSON search result for the page's script, a PDF…).
    public static func raw(_ response: Response) -> PortalReply { PortalReply(kind: .raw(response)) }
}
