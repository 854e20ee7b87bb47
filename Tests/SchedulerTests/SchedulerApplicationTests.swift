import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
@testable import SchedulerService
import ServiceKit
import ServiceTestSupport
import Testing
import WangqianPostgres

/// Every route of the scheduler, in the test process: the application `main` runs, built by the same
/// `SchedulerApplication.build` from a configuration, against the real PostgreSQL and broker (a fresh database
/// and topic prefix per test), with its consumers and timer service running; only the separate process is gone.
@Suite(.serialized) struct SchedulerApplicationTests {
    /// Runs `body` against a fresh scheduler, with tokens of each role.
    func withScheduler(clockControl: Bool = true, _ body: @escaping @Sendable (any TestClientProtocol, Tokens) async throws -> Void) async throws {
        try await InProcessService.run("scheduler", environment: ["WANGQIAN_CLOCK_CONTROL": clockControl ? "1" : nil],
                                       build: SchedulerApplication.build) { service in
            try await body(service.client, try await Tokens(service))
        }
    }

    struct Tokens: Sendable {
        let office: String, student: String, counselor: String
        init(_ service: InProcessService) async throws {
            office = try await service.token(.employmentOffice, "JYC001")
            student = try await service.token(.student, "2023000001")
            counselor = try await service.token(.counselor, "T01", college: "CS")
        }
    }

    static func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }
    static func json(_ response: TestResponse) throws -> [String: Any] { try Answer.json(response) }
    static func error(_ response: TestResponse) throws -> [String: Any] { try Answer.error(response) }

    @Test func healthAndTheContract() async throws {
        try await withScheduler { client, _ in
            let live = try await client.execute(uri: "/health/live", method: .get)
            #expect(live.status == .ok)
            #expect(try Self.json(live)["service"] as? String == "scheduler")
            // Ready once the consumer runs (the application's services started with it).
            var ready = try await client.execute(uri: "/health/ready", method: .get)
            for _ in 0..<50 where ready.status != .ok {
                try await Task.sleep(for: .milliseconds(100))
                ready = try await client.execute(uri: "/health/ready", method: .get)
            }
            #expect(ready.status == .ok)
            let openAPI = try await client.execute(uri: "/openapi.json", method: .get)
            #expect(openAPI.status == .ok)
            let paths = try #require(try Self.json(openAPI)["paths"] as? [String: Any])
            #expect(paths["/v1/timers"] != nil && paths["/v1/clock/advance"] != nil)
        }
    }

    @Test func timersAndTheClockAreTheOfficesOnly() async throws {
        try await withScheduler { client, tokens in
            for uri in ["/v1/timers", "/v1/clock", "/v1/status", "/v1/projection/digest"] {
                let anonymous = try await client.execute(uri: uri, method: .get)
                #expect(anonymous.status == .unauthorized, "\(uri)")
                #expect(try Self.error(anonymous)["code"] as? String == "unauthenticated", "\(uri)")
                let student = try await client.execute(uri: uri, method: .get, headers: Self.bearer(tokens.student))
                #expect(student.status == .forbidden, "\(uri)")
                let office = try await client.execute(uri: uri, method: .get, headers: Self.bearer(tokens.office))
                #expect(office.status == .ok, "\(uri)")
            }
            let timers = try Self.json(try await client.execute(uri: "/v1/timers", method: .get, headers: Self.bearer(tokens.office)))
            #expect((timers["timers"] as? [Any])?.isEmpty == true)
            let bad = try await client.execute(uri: "/v1/timers?agreementID=not-a-uuid", method: .get, headers: Self.bearer(tokens.office))
            #expect(bad.status == .unprocessableContent)
            #expect(try Self.error(bad)["field"] as? String == "agreementID")
        }
    }

    @Test func theClockMovesForwardOnlyWithinAYear() async throws {
        try await withScheduler { client, tokens in
            var headers = Self.bearer(tokens.office)
            headers[.contentType] = "application/json"
            let before = try Self.json(try await client.execute(uri: "/v1/clock", method: .get, headers: headers))
            #expect(before["controllable"] as? Bool == true)
            #expect(before["offsetSeconds"] as? Double == 0)
            let moved = try await client.execute(uri: "/v1/clock/advance", method: .post, headers: headers,
                                                 body: ByteBuffer(string: #"{"seconds": 3600}"#))
            #expect(moved.status == .ok)
            #expect(try Self.json(moved)["offsetSeconds"] as? Double == 3600)
            for body in [#"{"seconds": 0}"#, #"{"seconds": 40000000}"#] {
                let refused = try await client.execute(uri: "/v1/clock/advance", method: .post, headers: headers, body: ByteBuffer(string: body))
                #expect(refused.status == .unprocessableContent, "\(body)")
            }
            let malformed = try await client.execute(uri: "/v1/clock/advance", method: .post, headers: headers, body: ByteBuffer(string: "{"))
            #expect(malformed.status == .badRequest)
            var text = Self.bearer(tokens.office)
            text[.contentType] = "text/plain"
            let plain = try await client.execute(uri: "/v1/clock/advance", method: .post, headers: text, body: ByteBuffer(string: #"{"seconds": 1}"#))
            #expect(plain.status == .unsupportedMediaType)
            let counselor = try await client.execute(uri: "/v1/clock/advance", method: .post, headers: Self.bearer(tokens.counselor),
                                                     body: ByteBuffer(string: #"{"seconds": 1}"#))
            #expect(counselor.status == .forbidden)
            // The offset is stored: it is what the clock says now.
            let after = try Self.json(try await client.execute(uri: "/v1/clock", method: .get, headers: headers))
            #expect(after["offsetSeconds"] as? Double == 3600)
        }
    }

    @Test func withoutClockControlTheClockCannotBeMoved() async throws {
        try await withScheduler(clockControl: false) { client, tokens in
            var headers = Self.bearer(tokens.office)
            headers[.contentType] = "application/json"
            let refused = try await client.execute(uri: "/v1/clock/advance", method: .post, headers: headers, body: ByteBuffer(string: #"{"seconds": 60}"#))
            #expect(refused.status == .notFound)
            #expect(try Self.json(try await client.execute(uri: "/v1/clock", method: .get, headers: headers))["controllable"] as? Bool == false)
        }
    }

    @Test func commandsProjectionsAndUnknownRoutesAnswerWithTheErrorBody() async throws {
        try await withScheduler { client, tokens in
            let office = Self.bearer(tokens.office)
            let unknownCommand = try await client.execute(uri: "/v1/commands/\(UUID())", method: .get, headers: office)
            #expect(unknownCommand.status == .notFound)
            #expect(try Self.error(unknownCommand)["message"] as? String != nil)
            let badCommand = try await client.execute(uri: "/v1/commands/nope", method: .get, headers: office)
            // An id that cannot be one names no record.
            #expect(badCommand.status == .notFound)
            #expect(try Self.error(badCommand)["code"] as? String == "not_found")
            let noAgreement = try await client.execute(uri: "/v1/projection/agreements/\(UUID())", method: .get, headers: office)
            #expect(noAgreement.status == .notFound)
            let digest = try Self.json(try await client.execute(uri: "/v1/projection/digest", method: .get, headers: office))
            #expect(digest["service"] as? String == "scheduler")
            let nowhere = try await client.execute(uri: "/v1/nowhere", method: .get, headers: office)
            #expect(nowhere.status == .notFound)
            #expect(try Self.error(nowhere)["code"] as? String == "not_found")
            let wrongMethod = try await client.execute(uri: "/v1/timers", method: .delete, headers: office)
            #expect(wrongMethod.status == .methodNotAllowed)
            #expect(try Self.error(wrongMethod)["message"] as? String != nil)
        }
    }
}
