import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
@testable import PortalKit
import ServiceKit
import Testing

/// A portal built in the test process and driven through Hummingbird's router test client: no database, broker or
/// network, the real session, CSRF and page code.
@Suite struct PortalInProcessTests {
    static let secret = String(repeating: "k", count: 40)

    func app(secure: Bool = false) async throws -> (some ApplicationProtocol, TokenAuthority) {
        let tokens = try await TokenAuthority(secret: Self.secret)
        let settings = ServiceConfiguration.PortalSettings(
            basePath: "/student", portalURLs: ["employer": "http://127.0.0.1:8082/employer"], publicURL: "http://127.0.0.1:8081",
            secureCookies: secure, developmentLogin: false)
        struct Model: Sendable { var who: String; var x: String }
        let portal = Portal(name: "student", title: "学生", settings: settings, tokens: tokens, logger: Logger(label: "test"),
                            views: try PortalViews(["t": "<p>{{who}}|{{x}}</p>"]), sessionLifetime: 7200,
                            navigation: { _ in [NavItem(label: "我的签约", path: "/")] })
        let router = Router(context: AppRequestContext.self)
        portal.addCommonRoutes(to: router)
        portal.get("/secret", on: router, roles: [.student]) { request in
            .page(PortalPage(title: "秘密", template: "t", model: Model(who: request.caller.subject, x: "")))
        }
        portal.publicPost("/echo", on: router) { request in
            .page(PortalPage(title: "回显", template: "t", model: Model(who: "", x: request.form.text("x"))))
        }
        portal.publicPost("/in", on: router) { _ in try await portal.signIn(Identity(role: .student, subject: "2023001"), next: "/secret") }
        return (Application(router: router), tokens)
    }

    static func cookie(_ name: String, in response: TestResponse) -> String? {
        response.headers[values: .setCookie].first { $0.hasPrefix(name + "=") }
    }

    static func value(of setCookie: String) -> String {
        String(setCookie.split(separator: ";")[0].split(separator: "=", maxSplits: 1)[1])
    }

    @Test func aLoggedOutVisitorIsSentToTheLoginPage() async throws {
        let (app, _) = try await app()
        try await app.test(.router) { client in
            let response = try await client.execute(uri: "/student/secret", method: .get)
            #expect(response.status == .found)
            #expect(response.headers[.location] == "/student/login?next=%2Fsecret")
        }
    }

    @Test func pagesCarryTheSecurityHeadersAndTheCSRFCookie() async throws {
        let (app, tokens) = try await app()
        let token = try await tokens.sign(Identity(role: .student, subject: "2023001"), validFor: 7200)
        try await app.test(.router) { client in
            let response = try await client.execute(uri: "/student/secret", method: .get, headers: [.cookie: "wq_student_session=\(token)"])
            #expect(response.status == .ok)
            #expect(String(buffer: response.body).contains("<p>2023001|</p>"))
            #expect(response.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            // A form's redirects may go on to the other portals (a sign-on hand-off), and nowhere else.
            #expect(response.headers[.contentSecurityPolicy]?.contains("form-action 'self' http://127.0.0.1:8082;") == true)
            #expect(response.headers[.cacheControl] == "no-store")
            let csrf = try #require(Self.cookie("wq_student_csrf", in: response))
            #expect(csrf.contains("HttpOnly") && csrf.contains("SameSite=Strict") && csrf.contains("Path=/student"))
            // A session with most of its time left is not renewed.
            #expect(Self.cookie("wq_student_session", in: response) == nil)
        }
    }

    @Test func aPageAfterAPendingCommandReloadsItselfOnceWithoutTheNotice() async throws {
        let (app, tokens) = try await app()
        let token = try await tokens.sign(Identity(role: .student, subject: "2023001"), validFor: 7200)
        try await app.test(.router) { client in
            let pending = try await client.execute(uri: "/student/secret?done=pending", method: .get,
                                                   headers: [.cookie: "wq_student_session=\(token)"])
            let body = String(buffer: pending.body)
            #expect(body.contains(#"<meta http-equiv="refresh" content="3;url=/student/secret">"#))
            #expect(body.contains("正在处理中"))
            let reloaded = try await client.execute(uri: "/student/secret", method: .get, headers: [.cookie: "wq_student_session=\(token)"])
            #expect(!String(buffer: reloaded.body).contains("http-equiv=\"refresh\""))
        }
    }

    @Test func anotherRolesSessionIsRefused() async throws {
        let (app, tokens) = try await app()
        let token = try await tokens.sign(Identity(role: .employer, subject: "E1"), validFor: 7200)
        try await app.test(.router) { client in
            let response = try await client.execute(uri: "/student/secret", method: .get, headers: [.cookie: "wq_student_session=\(token)"])
            #expect(response.status == .forbidden)
            #expect(String(buffer: response.body).contains("无权访问"))
        }
    }

    @Test func aSessionNearItsEndIsRenewed() async throws {
        let (app, tokens) = try await app()
        let token = try await tokens.sign(Identity(role: .student, subject: "2023001"), validFor: 1800)
        try await app.test(.router) { client in
            let response = try await client.execute(uri: "/student/secret", method: .get, headers: [.cookie: "wq_student_session=\(token)"])
            let renewed = try #require(Self.cookie("wq_student_session", in: response))
            let fresh = try await tokens.verifyWithExpiry(Self.value(of: renewed))
            #expect(fresh.identity.subject == "2023001")
            #expect(fresh.expires.timeIntervalSinceNow > 7000)
        }
    }

    @Test func aFormWithoutThePagesTokenIsRefused() async throws {
        let (app, _) = try await app()
        try await app.test(.router) { client in
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            var refused = try await client.execute(uri: "/student/echo", method: .post, headers: form, body: ByteBuffer(string: "x=1"))
            #expect(refused.status == .forbidden)
            #expect(String(buffer: refused.body).contains("页面已过期"))
            var headers = form
            headers[.cookie] = "wq_student_csrf=\(String(repeating: "a", count: 43))"
            refused = try await client.execute(uri: "/student/echo", method: .post, headers: headers,
                                               body: ByteBuffer(string: "x=1&_csrf=\(String(repeating: "b", count: 43))"))
            #expect(refused.status == .forbidden)
            let accepted = try await client.execute(uri: "/student/echo", method: .post, headers: headers,
                                                    body: ByteBuffer(string: "x=%E5%90%8C%E6%84%8F&_csrf=\(String(repeating: "a", count: 43))"))
            #expect(accepted.status == .ok)
            #expect(String(buffer: accepted.body).contains("<p>|同意</p>"))
            // JSON sent to a form target is not a form.
            headers[.contentType] = "application/json"
            let json = try await client.execute(uri: "/student/echo", method: .post, headers: headers, body: ByteBuffer(string: "{}"))
            #expect(json.status == .unsupportedMediaType)
        }
    }

    @Test(arguments: [false, true]) func signingInSetsAnHttpOnlyLaxCookieOnThePortalsPath(secure: Bool) async throws {
        let (app, tokens) = try await app(secure: secure)
        let csrf = String(repeating: "c", count: 43)
        try await app.test(.router) { client in
            let response = try await client.execute(
                uri: "/student/in", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "wq_student_csrf=\(csrf)"],
                body: ByteBuffer(string: "_csrf=\(csrf)"))
            #expect(response.status == .found)
            #expect(response.headers[.location] == "/student/secret")
            let session = try #require(Self.cookie("wq_student_session", in: response))
            #expect(session.contains("HttpOnly") && session.contains("SameSite=Lax") && session.contains("Path=/student"))
            #expect(session.contains("Max-Age=7200"))
            #expect(session.contains("Secure") == secure)
            #expect(try await tokens.verify(Self.value(of: session)).subject == "2023001")
            // Logging out clears it.
            let out = try await client.execute(
                uri: "/student/logout", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "wq_student_csrf=\(csrf)"],
                body: ByteBuffer(string: "_csrf=\(csrf)"))
            #expect(out.headers[.location] == "/student/login?done=loggedOut")
            #expect(Self.cookie("wq_student_session", in: out)?.contains("Max-Age=0") == true)
        }
    }

    @Test func anUnknownPageIsAnHTMLPage() async throws {
        let (app, _) = try await app()
        try await app.test(.router) { client in
            let response = try await client.execute(uri: "/student/nothing-here", method: .get)
            #expect(response.status == .notFound)
            #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(String(buffer: response.body).contains("没有这个页面"))
        }
    }
}
