import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import WangqianPostgres
@testable import ServiceKit

/// What the error middleware makes of what a route throws: every answer has the JSON error body.
@Suite struct ErrorMiddlewareTests {
    struct Bug: Error {}

    func withRoutes(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let router = Router(context: AppRequestContext.self)
        let table = RouteTable()
        router.add(middleware: ErrorMiddleware(routes: table, logger: Logger(label: "error-middleware-tests")))
        router.get("/database-away") { _, _ -> String in throw PostgresError(code: .connectionFailed, message: "connection refused") }
        router.get("/too-many-clients") { _, _ -> String in
            throw PostgresError(code: .connectionFailed, message: "remaining connection slots are reserved", sqlState: "53300")
        }
        router.get("/bug") { _, _ -> String in throw Bug() }
        table.load(from: router)
        try await Application(router: router).test(.router, body)
    }

    static func error(_ response: TestResponse) throws -> [String: Any] {
        let body = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
        return try #require(body["error"] as? [String: Any])
    }

    @Test func anUnavailableDatabaseIs503WithRetryAfter() async throws {
        try await withRoutes { client in
            for uri in ["/database-away", "/too-many-clients"] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == .serviceUnavailable, "\(uri)")
                #expect(response.headers[.retryAfter] == "5", "\(uri)")
                #expect(try Self.error(response)["code"] as? String == "unavailable", "\(uri)")
            }
        }
    }

    @Test func anythingElseIs500WithoutDetails() async throws {
        try await withRoutes { client in
            let response = try await client.execute(uri: "/bug", method: .get)
            #expect(response.status == .internalServerError)
            let error = try Self.error(response)
            #expect(error["code"] as? String == "internal")
            #expect((error["message"] as? String)?.contains("Bug") == false)
        }
    }
}
