import AgreementContract
import Foundation
import Testing
@testable import ServiceKit

/// `nbf`, the lifetime cap and the algorithm: a token that is not yet valid, valid for too long, or not HS256 is
/// refused.
@Suite struct TokenLimitsTests {
    let authority: TokenAuthority
    init() async throws { authority = try await TokenAuthority(secret: "test-secret-test-secret-test-secret", maxLifetime: 3600) }

    let office = Identity(role: .employmentOffice, subject: "O1")

    static func b64(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "=", with: "")
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
    }

    @Test func aTokenNotYetValidIsRefusedUntilItsNotBefore() async throws {
        let later = try await authority.sign(office, validFor: 1800, notBefore: Date().addingTimeInterval(1200))
        await #expect(throws: APIError.self) { try await authority.verify(later) }
        #expect(try await authority.verify(later, now: Date().addingTimeInterval(1300)) == office)
    }

    @Test func mintingIsCappedAndLongerTokensAreRefused() async throws {
        // Asked for 12 h, minted for the 1 h cap.
        let capped = try await authority.sign(office, validFor: 12 * 3600)
        #expect(try await authority.verify(capped) == office)
        await #expect(throws: APIError.self) { try await authority.verify(capped, now: Date().addingTimeInterval(3700)) }
        // A token minted elsewhere for a day is refused, and one issued long ago too.
        let generous = try await TokenAuthority(secret: "test-secret-test-secret-test-secret", maxLifetime: 86_400)
        let day = try await generous.sign(office, validFor: 86_400)
        await #expect(throws: APIError.self) { try await authority.verify(day) }
        let old = try await generous.sign(office, validFor: 5 * 3600, now: Date().addingTimeInterval(-4 * 3600))
        await #expect(throws: APIError.self) { try await authority.verify(old) }
    }

    @Test func onlyHS256IsAccepted() async throws {
        let token = try await authority.sign(office)
        let parts = token.split(separator: ".").map(String.init)
        for alg in ["HS512", "none", "RS256", "hs256"] {
            let header = Self.b64(Data(#"{"alg":"\#(alg)","typ":"JWT"}"#.utf8))
            await #expect(throws: APIError.self, "\(alg)") { try await authority.verify([header, parts[1], parts[2]].joined(separator: ".")) }
        }
        #expect(TokenAuthority.headerAlgorithm(of: token) == "HS256")
    }
}

/// Built-in secrets, keys and test conveniences exist only in the explicit development profile.
@Suite struct ServiceConfigurationTests {
    let secret = "0123456789abcdef0123456789abcdef"

    func keys() -> [String: String] {
        let pairs = EventKeyRingPairs.make()
        return ["WANGQIAN_EVENT_SIGNING_KEY": pairs.student, "WANGQIAN_EVENT_PUBLIC_KEYS": pairs.publics,
                "WANGQIAN_VERIFY_SECRET": String(repeating: "v", count: 32)]
    }

    func load(_ env: [String: String]) throws(ServiceConfiguration.Invalid) -> ServiceConfiguration {
        try ServiceConfiguration.fromEnvironment(service: "student", defaultPort: 8081, environment: env)
    }

    func refusal(_ env: [String: String]) -> String? {
        do { _ = try load(env); return nil } catch { return error.description }
    }

    @Test func productionRefusesToStartWithoutASecretOrKeys() {
        #expect(refusal([:])?.contains("WANGQIAN_JWT_SECRET") == true)
        #expect(refusal(["WANGQIAN_JWT_SECRET": "short"])?.contains("32 bytes") == true)
        #expect(refusal(["WANGQIAN_JWT_SECRET": secret])?.contains("WANGQIAN_EVENT_SIGNING_KEY") == true)
        var half = keys()
        half["WANGQIAN_EVENT_PUBLIC_KEYS"] = nil
        #expect(refusal(half.merging(["WANGQIAN_JWT_SECRET": secret]) { a, _ in a }) != nil)
        #expect(refusal(keys().merging(["WANGQIAN_JWT_SECRET": secret]) { a, _ in a }) == nil)
        // The student service prints: its verification codes need a secret of their own.
        var noVerify = keys().merging(["WANGQIAN_JWT_SECRET": secret]) { a, _ in a }
        noVerify["WANGQIAN_VERIFY_SECRET"] = nil
        #expect(refusal(noVerify)?.contains("WANGQIAN_VERIFY_SECRET") == true)
        noVerify["WANGQIAN_VERIFY_SECRET"] = "short"
        #expect(refusal(noVerify)?.contains("32 bytes") == true)
    }

    @Test func developmentConveniencesNeedTheDevelopmentProfile() throws {
        let production = keys().merging(["WANGQIAN_JWT_SECRET": secret]) { a, _ in a }
        #expect(refusal(production.merging(["WANGQIAN_CLOCK_CONTROL": "1"]) { a, _ in a })?.contains("WANGQIAN_PROFILE=development") == true)
        #expect(refusal(production.merging(["WANGQIAN_FAULT_LOSE_FIRST_PUBLICATION": "registry"]) { a, _ in a }) != nil)
        #expect(refusal(["WANGQIAN_PROFILE": "staging"]) != nil)
        #expect(refusal(production.merging(["WANGQIAN_DEV_LOGIN": "1"]) { a, _ in a })?.contains("WANGQIAN_DEV_LOGIN") == true)
        #expect(try load(production).portal.developmentLogin == false)
        #expect(try load(["WANGQIAN_PROFILE": "development", "WANGQIAN_DEV_LOGIN": "1"]).portal.developmentLogin)
        let dev = try load(["WANGQIAN_PROFILE": "development", "WANGQIAN_CLOCK_CONTROL": "1"])
        #expect(dev.profile == .development)
        #expect(dev.jwtSecretIsDevelopmentDefault)
        #expect(dev.eventKeysAreDevelopmentDefaults)
        #expect(dev.clockControlEnabled)
        let prod = try load(production)
        #expect(prod.profile == .production)
        #expect(!prod.clockControlEnabled)
        #expect(prod.jwtSecret == secret)
    }

    @Test func portalsLiveUnderTheirBasePathAndLinkToEachOther() throws {
        let production = keys().merging(["WANGQIAN_JWT_SECRET": secret]) { a, _ in a }
        let local = try load(production).portal
        #expect(local.basePath == "/student")
        #expect(local.portalURLs["employer"] == "http://127.0.0.1:8082/employer")
        #expect(!local.secureCookies)
        let behindIngress = try load(production.merging([
            "WANGQIAN_BASE_PATH": "/wq/student/", "WANGQIAN_PUBLIC_URL": "https://jy.example.edu.cn/",
            "WANGQIAN_EMPLOYER_PORTAL_URL": "https://jy.example.edu.cn/wq/employer/"]) { a, _ in a }).portal
        #expect(behindIngress.basePath == "/wq/student")
        #expect(behindIngress.portalURLs["student"] == "https://jy.example.edu.cn/wq/student")
        #expect(behindIngress.portalURLs["employer"] == "https://jy.example.edu.cn/wq/employer")
        #expect(behindIngress.secureCookies)
    }

    @Test func theInjectedEnvironmentIsTheOnlyOneRead() throws {
        let config = try load(keys().merging([
            "WANGQIAN_JWT_SECRET": secret, "KAFKA_BROKERS": "10.9.8.7:9093", "PGHOST": "db.example", "STUDENT_PGDATABASE": "s1",
            "WANGQIAN_TOKEN_MAX_LIFETIME_SECONDS": "900",
        ]) { a, _ in a })
        #expect(config.kafka.bootstrapServers == "10.9.8.7:9093")
        #expect(config.postgres.host == "db.example")
        #expect(config.postgres.database == "s1")
        #expect(config.tokenMaxLifetime == 900)
    }
}

/// A fresh key set for the four services.
enum EventKeyRingPairs {
    static func make() -> (student: String, publics: String) {
        var student = ""
        var publics: [String] = []
        for service in EventKeyRing.emitters {
            let pair = EventKeyRing.generate()
            if service == "student" { student = pair.privateKey }
            publics.append("\(service)=\(pair.publicKey)")
        }
        return (student, publics.joined(separator: ","))
    }
}

/// Sign-on tickets and tokens are not interchangeable.
@Suite struct SignOnTicketTests {
    let authority: TokenAuthority
    init() async throws { authority = try await TokenAuthority(secret: "test-secret-test-secret-test-secret", maxLifetime: 3600) }
    let office = Identity(role: .employmentOffice, subject: "O1")

    @Test func aTicketIsForItsAudienceOnlyAndNeverAToken() async throws {
        let ticket = try await authority.signTicket(office, audience: "wangqian-portal:employer")
        let verified = try await authority.verifyTicket(ticket, audience: "wangqian-portal:employer")
        #expect(verified.identity == office)
        #expect(!verified.id.isEmpty)
        #expect(verified.expires.timeIntervalSinceNow <= 61)
        await #expect(throws: APIError.self) { try await authority.verifyTicket(ticket, audience: "wangqian-portal:student") }
        await #expect(throws: APIError.self) { try await authority.verify(ticket) }
        let token = try await authority.sign(office)
        await #expect(throws: APIError.self) { try await authority.verifyTicket(token, audience: "wangqian-portal:employer") }
    }

    @Test func aTicketLivesTwoMinutesAtMost() async throws {
        let ticket = try await authority.signTicket(office, audience: "a", validFor: 3600)
        #expect(try await authority.verifyTicket(ticket, audience: "a", now: Date().addingTimeInterval(100)).identity == office)
        await #expect(throws: APIError.self) { try await authority.verifyTicket(ticket, audience: "a", now: Date().addingTimeInterval(200)) }
    }
}
