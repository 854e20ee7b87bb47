import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
@testable import PortalKit
import ServiceKit
import Testing

/// The office signs on at the college portal and is handed to the employer portal with a one-time ticket: both
/// portals built in the test process, as the services build them (`addHandoffRoutes`, `handoffSignOn`).
@Suite struct SignOnHandoffTests {
    static let secret = String(repeating: "h", count: 40)
    static let office = Identity(role: .employmentOffice, subject: "JYC900")

    static func settings(_ base: String) -> ServiceConfiguration.PortalSettings {
        ServiceConfiguration.PortalSettings(
            basePath: base, portalURLs: ["employer": "http://127.0.0.1:8082/employer", "college": "http://127.0.0.1:8083/college"],
            publicURL: "http://127.0.0.1:8083", secureCookies: false, developmentLogin: false)
    }

    static func portal(_ name: String, tokens: TokenAuthority) throws -> Portal {
        Portal(name: name, title: name, settings: settings("/" + name), tokens: tokens, logger: Logger(label: "test"),
               views: try PortalViews([:]), sessionLifetime: 7200, navigation: { _ in [] })
    }

    /// The college portal's hand-off route and the employer portal's office sign-on, each on its own router.
    func apps() async throws -> (college: some ApplicationProtocol, employer: some ApplicationProtocol, tokens: TokenAuthority) {
        let tokens = try await TokenAuthority(secret: Self.secret)
        let college = try Self.portal("college", tokens: tokens)
        let collegeRouter = Router(context: AppRequestContext.self)
        college.addCommonRoutes(to: collegeRouter)
        college.addHandoffRoutes(to: collegeRouter, targets: ["employer": "/office/login"], roles: [.employmentOffice])
        let employer = try Self.portal("employer", tokens: tokens)
        let employerRouter = Router(context: AppRequestContext.self)
        employer.addCommonRoutes(to: employerRouter)
        employer.addSignOnRoutes(to: employerRouter, at: "/office/login",
                                 signOn: employer.handoffSignOn(from: "college", roles: [.employmentOffice]))
        return (Application(router: collegeRouter), Application(router: employerRouter), tokens)
    }

    static func ticket(in location: String) throws -> String {
        let query = try #require(URLComponents(string: location)?.queryItems)
        return try #require(query.first { $0.name == "ticket" }?.value)
    }

    @Test func theOfficeIsHandedFromTheCollegePortalToTheEmployerPortalOnce() async throws {
        let (college, employer, tokens) = try await apps()
        // The employer portal's office login sends the browser to the college portal, keeping where it was going.
        let start = try await employer.test(.router) { client in
            let response = try await client.execute(uri: "/employer/office/login?next=%2Foffice", method: .get)
            #expect(response.status == .found)
            return try #require(response.headers[.location])
        }
        #expect(start == "http://127.0.0.1:8083/college/handoff/employer?next=%2Foffice")
        // Not signed in there: sign on first, then come back to the hand-off with its query.
        let session = try await tokens.sign(Self.office, validFor: 7200)
        let back = try await college.test(.router) { client in
            let anonymous = try await client.execute(uri: "/college/handoff/employer?next=%2Foffice", method: .get)
            #expect(anonymous.headers[.location] == "/college/login?next=%2Fhandoff%2Femployer%3Fnext%3D%252Foffice")
            let signedIn = try await client.execute(uri: "/college/handoff/employer?next=%2Foffice", method: .get,
                                                    headers: [.cookie: "wq_college_session=\(session)"])
            #expect(signedIn.status == .found)
            return try #require(signedIn.headers[.location])
        }
        #expect(back.hasPrefix("http://127.0.0.1:8082/employer/office/login/finish?ticket="))
        #expect(back.hasSuffix("&next=%2Foffice"))
        let ticket = try Self.ticket(in: back)
        // The ticket is no token: neither an API nor a session accepts it.
        await #expect(throws: APIError.self) { try await tokens.verify(ticket) }
        try await employer.test(.router) { client in
            let uri = String(back.dropFirst("http://127.0.0.1:8082".count))
            let finished = try await client.execute(uri: uri, method: .get)
            #expect(finished.status == .found)
            #expect(finished.headers[.location] == "/employer/office")
            let cookie = try #require(finished.headers[values: .setCookie].first { $0.hasPrefix("wq_employer_session=") })
            let token = String(cookie.split(separator: ";")[0].dropFirst("wq_employer_session=".count))
            #expect(try await tokens.verify(token) == Self.office)
            // Used once: the same ticket again signs nobody in.
            let replayed = try await client.execute(uri: uri, method: .get)
            #expect(replayed.status == .unauthorized)
            #expect(!replayed.headers[values: .setCookie].contains { $0.hasPrefix("wq_employer_session=") && !$0.contains("Max-Age=0") })
        }
    }

    @Test func aCounselorIsNotHandedOverAndOtherTicketsAreRefused() async throws {
        let (college, employer, tokens) = try await apps()
        let counselor = try await tokens.sign(Identity(role: .counselor, subject: "T01", collegeCode: "CS"), validFor: 7200)
        try await college.test(.router) { client in
            let response = try await client.execute(uri: "/college/handoff/employer", method: .get,
                                                    headers: [.cookie: "wq_college_session=\(counselor)"])
            #expect(response.status == .forbidden)
            // Only configured portals: a hand-off to anywhere else is no page.
            let elsewhere = try await client.execute(uri: "/college/handoff/evil", method: .get,
                                                     headers: [.cookie: "wq_college_session=\(counselor)"])
            #expect(elsewhere.status == .notFound)
        }
        let forStudents = try await tokens.signTicket(Self.office, audience: HandoffSignOn.audience(of: "student"))
        let counselorTicket = try await tokens.signTicket(Identity(role: .counselor, subject: "T01", collegeCode: "CS"),
                                                          audience: HandoffSignOn.audience(of: "employer"))
        let expired = try await tokens.signTicket(Self.office, audience: HandoffSignOn.audience(of: "employer"),
                                                  now: Date().addingTimeInterval(-600))
        let session = try await tokens.sign(Self.office, validFor: 7200)
        let forged = try await TokenAuthority(secret: String(repeating: "x", count: 40))
            .signTicket(Self.office, audience: HandoffSignOn.audience(of: "employer"))
        try await employer.test(.router) { client in
            for ticket in [forStudents, counselorTicket, expired, session, forged] {
                let response = try await client.execute(uri: "/employer/office/login/finish?ticket=\(ticket)", method: .get)
                #expect(response.status == .unauthorized)
                #expect(String(buffer: response.body).contains("登录失败"))
            }
        }
    }
}
