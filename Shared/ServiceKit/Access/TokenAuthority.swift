import Foundation
import HTTPTypes
import Hummingbird
import JWTKit

/// Signs and verifies the HS256 tokens every request carries.
///
/// Claims: `sub` (the identity), `role`, `college` (counselors), `exp`, `iss`.
public struct TokenAuthority: Sendable {
    private let keys: JWTKeyCollection
    public static let issuer = "wangqian"

    struct Payload: JWTPayload {
        var sub: SubjectClaim
        var role: String
        var college: String?
        var exp: ExpirationClaim
        var iss: IssuerClaim

        func verify(using algorithm: some JWTAlgorithm) async throws {
            try exp.verifyNotExpired()
            guard iss.value == TokenAuthority.issuer else { throw JWTError.claimVerificationFailure(failedClaim: iss, reason: "issuer") }
        }
    }

    /// The secret must be at least 32 bytes (the HS256 output size); shorter keys are guessable.
    public struct WeakSecret: Error, CustomStringConvertible {
        public var description: String { "WANGQIAN_JWT_SECRET must be at least 32 bytes long" }
    }

    public init(secret: String) async throws(WeakSecret) {
        guard secret.utf8.count >= 32 else { throw WeakSecret() }
        keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
    }

    /// Mints a token, for the development tool and tests.
    public func sign(_ identity: Identity, validFor: TimeInterval = 12 * 3600, now: Date = Date()) async throws -> String {
        let payload = Payload(
            sub: .init(value: identity.subject), role: identity.role.rawValue, college: identity.collegeCode,
            exp: .init(value: now.addingTimeInterval(validFor)), iss: .init(value: Self.issuer))
        return try await keys.sign(payload)
    }

    /// Verifies a compact token; any failure is reported as one `unauthenticated` error, never the cause's details.
    public func verify(_ token: String) async throws(APIError) -> Identity {
        let payload: Payload
        do {
            payload = try await keys.verify(token, as: Payload.self)
        } catch {
            throw APIError.unauthenticated("登录凭证无效或已过期，请重新登录")
        }
        guard let role = Role(rawValue: payload.role), !payload.sub.value.isEmpty else {
            throw APIError.unauthenticated("登录凭证无效")
        }
        if role == .counselor, (payload.college ?? "").isEmpty {
            throw APIError.unauthenticated("辅导员凭证缺少学院信息")
        }
        return Identity(role: role, subject: payload.sub.value, collegeCode: payload.college)
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
