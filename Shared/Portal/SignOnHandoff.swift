import Foundation
import Hummingbird
import ServiceKit
import Synchronization

/// Staff sign on once, at the portal that knows them (the college portal: the campus sign-on and the staff
/// directory live there), and are handed to another portal that needs them (the employer portal, where the office
/// approves registrations) with a short-lived, one-time ticket instead of a login of its own.
///
/// 1. The other portal's login (``HandoffSignOn/start``) sends the browser to `<home portal>/handoff/<portal>`.
/// 2. That page (``Portal/addHandoffRoutes(to:targets:roles:)``) needs a session of one of `roles` there: a person
///    not yet signed in signs on first and comes back. It answers with a redirect to the target's configured URL
///    and sign-on path, carrying a ticket (``TokenAuthority/signTicket(_:audience:validFor:now:)``) for that
///    portal only.
/// 3. The target's finish route (``HandoffSignOn/finish``) accepts the ticket once, within its minute, for the
///    roles it allows, and opens its own session.
///
/// Redirect targets come only from the configuration (`WANGQIAN_*_PORTAL_URL`), never from the request.
public struct HandoffSignOn: CampusSignOn {
    /// The portal staff sign on at (its key in the portal URLs, e.g. `college`).
    let home: String
    /// The URL of that portal, when configured.
    let homeURL: String?
    let audience: String
    let tokens: TokenAuthority
    let roles: Set<Role>
    let used: UsedTickets

    public func start(_ request: PortalRequest, portal: Portal, finish: String) async throws -> PortalReply {
        guard let homeURL else {
            return .page(PortalPage(title: "登录", template: "portal/login-unconfigured", model: UnconfiguredSignOn.Empty(),
                                    showNavigation: false))
        }
        return .elsewhere(homeURL + "/handoff/" + portal.name + Portal.nextParameter(Portal.safeNext(request.query("next"))))
    }

    public func finish(_ request: PortalRequest) async throws -> Identity? {
        guard let ticket = request.query("ticket"),
              let (identity, id, expires) = try? await tokens.verifyTicket(ticket, audience: audience),
              roles.contains(identity.role), used.claim(id, until: expires) else { return nil }
        return identity
    }

    /// The audience of the tickets for the portal named `name`.
    static func audience(of name: String) -> String { "wangqian-portal:" + name }
}

/// The IDs of the tickets already used, until they expire (per process: a ticket lives a minute, and a portal
/// behind a load balancer that does not keep a person on one instance could accept it once per instance).
public final class UsedTickets: Sendable {
    private let ids = Mutex<[String: Date]>([:])

    public init() {}

    /// True the first time `id` is claimed.
    func claim(_ id: String, until expires: Date, now: Date = Date()) -> Bool {
        ids.withLock { ids in
            if ids.count > 1000 { ids = ids.filter { $0.value > now } }
            guard ids[id] == nil else { return false }
            ids[id] = expires
            return true
        }
    }
}

extension Portal {
    /// The sign-on of a portal whose staff sign on at the `home` portal (the staff's own portal).
    public func handoffSignOn(from home: String, roles: Set<Role>, used: UsedTickets = UsedTickets()) -> any CampusSignOn {
        HandoffSignOn(home: home, homeURL: settings.portalURLs[home], audience: HandoffSignOn.audience(of: name),
                      tokens: tokens, roles: roles, used: used)
    }

    /// `GET /handoff/<portal>` for each of `targets` (a portal's name and the path of its sign-on, as given to
    /// ``addSignOnRoutes(to:at:signOn:)``): hands a signed-in person of `roles` over to that portal.
    public func addHandoffRoutes(to router: Router<AppRequestContext>, targets: [String: String], roles: Set<Role>) {
        for (target, login) in targets {
            get("/handoff/" + target, on: router, roles: roles) { request in
                guard let url = self.settings.portalURLs[target] else {
                    throw APIError.notFound("未配置该入口的地址")
                }
                let ticket = try await self.tokens.signTicket(request.caller, audience: HandoffSignOn.audience(of: target))
                let next = Portal.nextParameter(Portal.safeNext(request.query("next")), after: "&")
                return .elsewhere(url + login + "/finish?ticket=" + ticket + next)
            }
        }
    }
}
