import Foundation
import HTTPTypes
import Hummingbird
import JWTKit

/// Signs and verifies the HS256 tokens every request carries.
///
/// Claims: `sub` (the identity), `role`, `college` (counselors), `iat`, `nbf`, `exp`, `iss`. A token is refused
/// unless its header names HS256, it is not before its `nbf` and not after its `exp`, and it is valid for no
/// longer than the configured lifetime cap (from now, and from its `iat`).
///
/// A *sign-on ticket* (``signTicket(_:audience:validFor:now:)``) also has `aud` (the one portal it is for) and
/// `jti`: it hands a signed-in person from one portal to another and is accepted only by
/// ``verifyTicket(_:audience:now:)``, never as an API token or a session, and a token is never accepted as a ticket.
public struct TokenAuthority: Sendable {
    private let keys: JWTKeyCollection
    public static let issuer = "wangqian"
    public static let algorithm = "HS256"
    /// Clock differences between machines tolerated on `nbf`, `exp` and the lifetime cap.
    static let leeway: TimeInterval = 60
    /// The longest validity a token may have.
    public let maxLifetime: TimeInterval

    struct Payload: JWTPayload {
        var sub: SubjectClaim
        var role: String
        var college: String?
        var exp: ExpirationClaim
        var nbf: NotBeforeClaim?
        var iat: IssuedAtClaim?
        var iss: IssuerClaim
        var aud: AudienceClaim?
        var jti: IDClaim?

        func verify(using algorithm: some JWTAlgorithm) async throws {
            guard iss.value == TokenAuthority.issuer else { throw JWTError.claimVerificationFailure(failedClaim: iss, reason: "issuer") }
        }
    }

    /// The secret must be at least 32 bytes (the HS256 output size); shorter keys are guessable.
    public struct WeakSecret: Error, CustomStringConvertible {
        public var description: String { "WANGQIAN_JWT_SECRET must be at least 32 bytes long" }
    }

    public init(secret: String, maxLifetime: TimeInterval = 8 * 3600) async throws(WeakSecret) {
        guard secret.utf8.count >= 32 else { throw WeakSecret() }
        keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        self.maxLifetime = maxLifetime
    }

    /// Mints a token valid from `now` for `validFor` (at most the lifetime cap), for the development tool and tests.
    public func sign(_ identity: Identity, validFor: TimeInterval = 8 * 3600, now: Date = Date(), notBefore: Date? = nil) async throws -> String {
        let lifetime = min(validFor, maxLifetime)
        let payload = Payload(
            sub: .init(value: identity.subject), role: identity.role.rawValue, college: identity.collegeCode,
            exp: .init(value: now.addingTimeInterval(lifetime)), nbf: notBefore.map { .init(value: $0) },
            iat: .init(value: now), iss: .init(value: Self.issuer))
        return try await keys.sign(payload)
    }

    /// The longest a sign-on ticket may be valid: it only has to survive two redirects.
    public static let maxTicketLifetime: TimeInterval = 120

    /// Mints a sign-on ticket for `identity`, for the portal named by `audience` only.
    public func signTicket(_ identity: Identity, audience: String, validFor: TimeInterval = 60, now: Date = Date()) async throws -> String {
        let payload = Payload(
            sub: .init(value: identity.subject), role: identity.role.rawValue, college: identity.collegeCode,
            exp: .init(value: now.addingTimeInterval(min(validFor, Self.maxTicketLifetime))), nbf: nil,
            iat: .init(value: now), iss: .init(value: Self.issuer), aud: AudienceClaim(value: [audience]),
            jti: IDClaim(value: UUID().uuidString))
        return try await keys.sign(payload)
    }

    /// Verifies a sign-on ticket for `audience`: who it is for, its one-time ID and until when it is valid.
    public func verifyTicket(_ ticket: String, audience: String, now: Date = Date()) async throws(APIError) -> (identity: Identity, id: String, expires: Date) {
        let (identity, payload) = try await checked(ticket, now: now, maxLifetime: Self.maxTicketLifetime)
        guard payload.aud?.value == [audience], let id = payload.jti?.value, !id.isEmpty else {
            throw APIError.unauthenticated("登录凭证无效或已过期，请重新登录")
        }
        return (identity, id, payload.exp.value)
    }

    /// Verifies a compact token; any failure is reported as one `unauthenticated` error, never the cause's details.
    public func verify(_ token: String, now: Date = Date()) async throws(APIError) -> Identity {
        try await verifyWithExpiry(token, now: now).identity
    }

    /// Verifies a compact token as ``verify(_:now:)`` does, and says until when it is valid (to renew a session).
    public func verifyWithExpiry(_ token: String, now: Date = Date()) async throws(APIError) -> (identity: Identity, expires: Date) {
        let (identity, payload) = try await checked(token, now: now, maxLifetime: maxLifetime)
        // A sign-on ticket is for one portal's sign-on route, not a token.
        guard payload.aud == nil, payload.jti == nil else { throw APIError.unauthenticated("登录凭证无效或已过期，请重新登录") }
        return (identity, payload.exp.value)
    }

    /// The checks tokens and tickets share: algorithm, signature, issuer, time window, lifetime cap and identity.
    private func checked(_ token: String, now: Date, maxLifetime: TimeInterval) async throws(APIError) -> (Identity, Payload) {
        let invalid = APIError.unauthenticated("登录凭证无效或已过期，请重新登录")
        guard Self.headerAlgorithm(of: token) == Self.algorithm else { throw invalid }
        let payload: Payload
        do {
            payload = try await keys.verify(token, as: Payload.self)
        } catch {
            throw invalid
        }
        let exp = payload.exp.value
        guard exp.timeIntervalSince(now) > -Self.leeway else { throw invalid }
        if let nbf = payload.nbf?.value, nbf.timeIntervalSince(now) > Self.leeway { throw invalid }
        guard exp.timeIntervalSince(now) <= maxLifetime + Self.leeway else { throw invalid }
        if let iat = payload.iat?.value {
            guard iat.timeIntervalSince(now) <= Self.leeway, exp.timeIntervalSince(iat) <= maxLifetime + Self.leeway else { throw invalid }
        }
        guard let role = Role(rawValue: payload.role), !payload.sub.value.isEmpty else {
            throw APIError.unauthenticated("登录凭证无效")
        }
        if role == .counselor, (payload.college ?? "").isEmpty {
            throw APIError.unauthenticated("辅导员凭证缺少学院信息")
        }
        return (Identity(role: role, subject: payload.sub.value, collegeCode: payload.college), payload)
    }

    /// The `alg` of a compact token's header, or nil when the header is not readable.
    static func headerAlgorithm(of token: String) -> String? {
        guard let first = token.split(separator: ".", omittingEmptySubsequences: false).first else { return nil }
        var base64 = first.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64),
              let header = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return header["alg"] as? String
    }

    /// Reads `Authorization: Bearer …`, verifies it, and checks the caller's role.
    public func authenticate(_ request: Request, allowing roles: Set<Role>) async throws(APIError) -> Identity {
        guard let header = request.headers[.authorization] else {
            throw APIError.unauthenticated("缺少登录凭证")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw APIError.unauthenticated("登录凭证格式不正确")
        }
        let identity = try await verify(String(parts[1]))
        guard roles.contains(identity.role) else {
            throw APIError.forbidden("当前身份无权执行此操作")
        }
        return identity
    }
}
