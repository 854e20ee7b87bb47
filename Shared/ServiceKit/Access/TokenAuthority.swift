import Foundation
import HTTPTypes
import Hummingbird
import JWTKit

/// Signs and verifies the HS256 tokens every request carries.
///
/// Claims: `sub` (the identity), `role`, `college` (counselors), `iat`, `nbf`, `exp`, `iss`. A token is refused
/// unless its header names HS256, it is not before its `nbf` and not after its `exp`, and it is valid for no
/// longer than the configured lifetime cap (from now, and from its `iat`).
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

    /// Verifies a compact token; any failure is reported as one `unauthenticated` error, never the cause's details.
    public func verify(_ token: String, now: Date = Date()) async throws(APIError) -> Identity {
        try await verifyWithExpiry(token, now: now).identity
    }

    /// Verifies a compact token as ``verify(_:now:)`` does, and says until when it is valid (to renew a session).
    public func verifyWithExpiry(_ token: String, now: Date = Date()) async throws(APIError) -> (identity: Identity, expires: Date) {
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
        return (Identity(role: role, subject: payload.sub.value, collegeCode: payload.college), exp)
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
