import Foundation
import Hummingbird
import ServiceKit

/// The seam for the university's single sign-on (CAS, OAuth…), through which students, counselors and office
/// staff log in: one protocol, used by the login routes of ``Portal/addSignOnRoutes(to:signOn:)``.
///
/// A campus adapter answers `start` with a redirect to the campus login and `finish` by validating what the
/// campus sends back (a ticket); the development login lists demo identities instead.
public protocol CampusSignOn: Sendable {
    /// The login page: a redirect to the campus sign-on, or a page of the adapter's own.
    func start(_ request: PortalRequest, portal: Portal, finish: String) async throws -> PortalReply
    /// The person came back (or chose): who they are, or nil when sign-on failed.
    func finish(_ request: PortalRequest) async throws -> Identity?
}

/// No campus sign-on configured (and the development login off): the login page says so.
public struct UnconfiguredSignOn: CampusSignOn {
    public init() {}

    public func start(_ request: PortalRequest, portal: Portal, finish: String) async throws -> PortalReply {
        .page(PortalPage(title: "登录", template: "portal/login-unconfigured", model: Empty(), showNavigation: false))
    }

    public func finish(_ request: PortalRequest) async throws -> Identity? { nil }

    struct Empty: Sendable {}
}

/// The development login (`WANGQIAN_DEV_LOGIN=1`, development profile only): a list of demo identities to choose
/// from, each a button. Only identities on the list are accepted.
public struct DevelopmentSignOn: CampusSignOn {
    public struct Choice: Sendable {
        public var identity: Identity
        /// E.g. 张三 · 计算机学院.
        public var label: String
        public init(identity: Identity, label: String) {
            self.identity = identity
            self.label = label
        }
    }

    /// The identities on offer; given a search text (say, a student ID), those matching it.
    let choices: @Sendable (_ search: String?) async throws -> [Choice]

    public init(choices: @escaping @Sendable (_ search: String?) async throws -> [Choice]) { self.choices = choices }

    struct Model: Sendable {
        struct Row: Sendable { var key: String; var label: String; var role: String }
        var rows: [Row]
        var csrf: String
        var action: String
        var next: String
        var search: String
        var searchAction: String
    }

    public func start(_ request: PortalRequest, portal: Portal, finish: String) async throws -> PortalReply {
        let search = request.query("q").flatMap { $0.isEmpty ? nil : $0 }
        let rows = try await choices(search).map {
            Model.Row(key: Self.key($0.identity), label: $0.label, role: Portal.describe($0.identity))
        }
        return .page(PortalPage(title: "登录（开发环境）", template: "portal/login-development",
                                model: Model(rows: rows, csrf: request.csrf, action: portal.path(finish),
                                             next: Portal.safeNext(request.query("next")), search: search ?? "",
                                             searchAction: portal.path(request.request.uri.path.dropFirst(portal.settings.basePath.count).description)),
                                showNavigation: false))
    }

    public func finish(_ request: PortalRequest) async throws -> Identity? {
        guard let key = request.form["identity"] else { return nil }
        let subject = key.split(separator: ":", omittingEmptySubsequences: false).dropFirst().first.map(String.init)
        return try await choices(subject).first { Self.key($0.identity) == key }?.identity
    }

    static func key(_ identity: Identity) -> String {
        [identity.role.rawValue, identity.subject, identity.collegeCode ?? ""].joined(separator: ":")
    }
}

extension Portal {
    /// `GET <at>` and `<at>/finish` (`/login` unless said otherwise) through `signOn`. The finish route takes a POST
    /// (a form of the sign-on's own page, with its CSRF token) or a GET (a campus or portal redirect carrying a
    /// ticket, which the sign-on validates).
    public func addSignOnRoutes(to router: Router<AppRequestContext>, at login: String = "/login", signOn: any CampusSignOn) {
        publicGet(login, on: router) { request in try await signOn.start(request, portal: self, finish: login + "/finish") }
        let finish: @Sendable (PortalRequest) async throws -> PortalReply = { request in
            guard let identity = try await signOn.finish(request) else {
                throw APIError.unauthenticated("登录失败，请重新登录")
            }
            return try await self.signIn(identity, next: request.form["next"] ?? request.query("next") ?? "/")
        }
        publicPost(login + "/finish", on: router, finish)
        publicGet(login + "/finish", on: router, finish)
    }

    /// The sign-on this service's configuration asks for.
    public func signOn(development choices: @escaping @Sendable (_ search: String?) async throws -> [DevelopmentSignOn.Choice]) -> any CampusSignOn {
        settings.developmentLogin ? DevelopmentSignOn(choices: choices) : UnconfiguredSignOn()
    }
}
