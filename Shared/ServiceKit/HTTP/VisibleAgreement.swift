import AgreementDomain
import Foundation
import Hummingbird
import WangqianPostgres

extension AgreementProjection {
    /// The agreement whose id is `raw` (a path parameter or a batch item), as `identity` may see it
    /// (``AgreementProjection/visible(_:to:on:)``); "not found" otherwise, a malformed id included.
    public static func visible(id raw: String?, to identity: Identity, on pool: PostgresPool) async throws -> Visible {
        guard let raw, let uuid = UUID(uuidString: raw),
              let visible = try await visible(AgreementID(uuid), to: identity, on: pool) else {
            throw APIError.notFound("没有找到该协议")
        }
        return visible
    }
}
