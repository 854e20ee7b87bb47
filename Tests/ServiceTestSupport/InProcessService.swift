import AgreementContract
import AgreementDomain
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import ServiceKit
import Testing
import WangqianKafka
import WangqianPostgres

/// One service application run inside the test process: built by the service's own `build` function from a
/// configuration read from the environment, against the real PostgreSQL (a fresh database) and the real broker (a
/// fresh topic prefix), with its consumers and relay running; only the separate process is gone.
public struct InProcessService: Sendable {
    /// The token secret of every in-process service (development profile).
    public static let secret = String(repeating: "s", count: 40)

    public let client: any TestClientProtocol
    public let topics: Topics
    let producer: KafkaProducer
    let authority: TokenAuthority

    /// Builds `service` with `build` and runs `body` against it; the database is dropped afterwards. `environment`
    /// adds variables (nil removes one).
    public static func run<App: ApplicationProtocol>(
        _ service: String, environment extra: [String: String?] = [:],
        build: @escaping @Sendable (ServiceConfiguration) async throws -> App,
        _ body: @escaping @Sendable (InProcessService) async throws -> Void
    ) async throws {
        let run = UUID().uuidString.prefix(8).lowercased()
        let database = "wq_inproc_\(service)_\(run)"
        let logger = Logger(label: "\(service)-tests")
        let admin = PostgresPool(config: PostgresConfig.fromEnvironment(database: "postgres"), logger: logger)
        try await admin.execute("create database \(identifier: database)")
        var environment = ProcessInfo.processInfo.environment
        environment["PGDATABASE"] = database
        environment["WANGQIAN_PROFILE"] = "development"
        environment["WANGQIAN_JWT_SECRET"] = secret
        environment["WANGQIAN_TOPIC_PREFIX"] = "inproc-\(run)."
        environment["WANGQIAN_COMMAND_WAIT_MS"] = "5000"
        environment["LOG_LEVEL"] = "warning"
        // Many suites run at once, each service with its pool: keep within PostgreSQL's 100 connections.
        environment["WANGQIAN_PG_POOL_SIZE"] = "4"
        for (name, value) in extra { environment[name] = value }
        do {
            let config = try ServiceConfiguration.fromEnvironment(service: service, defaultPort: 0, environment: environment)
            let app = try await build(config)
            let producer = try KafkaProducer.make(config: .fromEnvironment(clientId: "\(service)-tests"), logger: logger)
            let authority = try await TokenAuthority(secret: secret)
            let topics = Topics(prefix: config.topicPrefix)
            do {
                try await app.test(.live) { client in
                    try await body(InProcessService(client: client, topics: topics, producer: producer, authority: authority))
                }
            } catch {
                await producer.shutdown()
                throw error
            }
            await producer.shutdown()
        } catch {
            _ = try? await admin.execute("drop database if exists \(identifier: database) with (force)")
            await admin.close()
            throw error
        }
        _ = try? await admin.execute("drop database if exists \(identifier: database) with (force)")
        await admin.close()
    }

    // MARK: Tokens and requests

    public func token(_ role: Role, _ subject: String, college: String? = nil) async throws -> String {
        try await authority.sign(Identity(role: role, subject: subject, collegeCode: college))
    }

    /// A request with an optional bearer token and an optional JSON body (sent as `application/json`).
    public func request(_ method: HTTPRequest.Method, _ uri: String, token: String? = nil, json: String? = nil,
                        contentType: String? = nil) async throws -> TestResponse {
        var headers = HTTPFields()
        if let token { headers[.authorization] = "Bearer \(token)" }
        if let type = contentType ?? (json == nil ? nil : "application/json") { headers[.contentType] = type }
        return try await client.execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }

    /// Each route answers 401 `unauthenticated` without a token and, when `forbidden` tokens are given, 403
    /// `forbidden` to each of them.
    public func expectAccessRefused(_ routes: [(HTTPRequest.Method, String)], anonymous: Bool = true, forbidden tokens: [String],
                                    sourceLocation: SourceLocation = #_sourceLocation) async throws {
        for (method, uri) in routes {
            if anonymous {
                let refused = try await request(method, uri)
                #expect(refused.status == .unauthorized, "\(uri)", sourceLocation: sourceLocation)
                #expect(Answer.code(refused) == "unauthenticated", "\(uri)", sourceLocation: sourceLocation)
            }
            for token in tokens {
                let refused = try await request(method, uri, token: token)
                #expect(refused.status == .forbidden, "\(uri)", sourceLocation: sourceLocation)
                #expect(Answer.code(refused) == "forbidden", "\(uri)", sourceLocation: sourceLocation)
            }
        }
    }

    /// Repeats `probe` until it answers `status` (at most `seconds`), and returns the last answer.
    public func eventually(_ status: HTTPResponse.Status, within seconds: Double = 20,
                           _ probe: () async throws -> TestResponse) async throws -> TestResponse {
        try await eventually(within: seconds, probe, until: { $0.status == status })
    }

    /// Repeats `probe` until its answer satisfies `done` (at most `seconds`), and returns the last answer.
    public func eventually(within seconds: Double = 20, _ probe: () async throws -> TestResponse,
                           until done: (TestResponse) -> Bool) async throws -> TestResponse {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        var last = try await probe()
        while !done(last), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            last = try await probe()
        }
        return last
    }

    // MARK: Events from the other services

    /// Publishes `event` as `emitter` would: encoded, signed with that service's development key, on its topic.
    public func publish(_ event: ContractEvent, as emitter: String) async throws {
        let parts = CloudEvent.encode(event, id: UUID(), source: "/wangqian/\(emitter)", time: Date())
        let headers = try EventKeyRing.development(for: emitter).sign(headers: parts.headers, value: parts.value)
        _ = try await producer.send(KafkaOutgoingMessage(
            topic: topics.name(for: event), key: Array(parts.key.utf8), value: parts.value,
            headers: headers.map { KafkaHeader(key: $0.0, value: $0.1) }))
    }
}

extension InProcessService {
    /// Publishes the events the decider gives for `commands` by `actor`, one after another from `state`, as
    /// `emitter`; returns the state they lead to.
    @discardableResult
    public func publishDecided(_ commands: [AgreementCommand], by actor: Actor, from state: Agreement? = nil,
                               as emitter: String) async throws -> Agreement {
        var state = state
        for command in commands {
            for event in try AgreementDecider.decide(command, by: actor, state: state, now: Date()) {
                state = try AgreementDecider.evolve(state, event)
                try await publish(.agreement(event), as: emitter)
            }
        }
        return try #require(state)
    }

    /// A draft of `student` with `employer`, saved and (unless `submit` is false) submitted, as the student service
    /// publishes them.
    public func publishSubmission(of student: StudentSnapshot, to employer: EmployerSnapshot, submit: Bool = true) async throws -> Agreement {
        var commands: [AgreementCommand] = [.saveDraft(student: student, employer: employer, form: Sample.form)]
        if submit { commands.append(.submit(noticesAcknowledged: true, reviewStatus: student.reviewStatus)) }
        return try await publishDecided(commands, by: .student(studentID: student.studentID), as: "student")
    }
}

/// Reading answers.
public enum Answer {
    public static func json(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    /// The `error` object of an error body: `{"error": {"code", "message", "field"?, "status"}}`.
    public static func error(_ response: TestResponse) throws -> [String: Any] {
        try #require(try json(response)["error"] as? [String: Any])
    }

    /// The error code, or nil when the body is not an error body.
    public static func code(_ response: TestResponse) -> String? {
        (try? error(response))?["code"] as? String
    }
}

/// Reference data as the college and employer services publish it.
public enum Sample {
    public static func student(_ id: String = "2026100001", college: String = "CS",
                               review: SourceReviewStatus = .complete) -> StudentSnapshot {
        StudentSnapshot(studentID: id, name: "王五", gender: "男", collegeCode: college, collegeName: "计算机学院",
                        major: "软件工程", degree: "本科", graduationYear: 2026, reviewStatus: review)
    }

    public static let form = StudentForm(mobile: "13800138000", email: "wangwu@example.edu.cn")

    public static func employer(_ id: String = "E0100") -> EmployerSnapshot {
        EmployerSnapshot(employerID: id, name: "北京某科技有限公司", creditCode: "9111010829141777X4", type: "民营企业",
                         industry: "软件和信息技术服务业", location: "北京市海淀区", contactPerson: "赵经理",
                         contactPhone: "010-82345678", address: "北京市海淀区中关村大街1号", postalCode: "100080")
    }
}

extension InProcessService {
    /// The routes every service has (ServiceRuntime's common routes), as `name` wires them: liveness and readiness,
    /// its own OpenAPI document (which must list `ownPath`), the office's status and digest, command and projection
    /// lookups, and JSON error bodies for unknown paths and methods (`ownPath` answers 405 to DELETE).
    /// Command lookups are for the roles that issue this service's commands: `commander` is a token of one of them,
    /// `outsider` (if given) a token of a role that does not.
    public func checkCommonRoutes(_ name: String, ownPath: String, commander: String, outsider: String? = nil,
                                  sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let live = try await request(.get, "/health/live")
        #expect(live.status == .ok, sourceLocation: sourceLocation)
        #expect(try Answer.json(live)["service"] as? String == name, sourceLocation: sourceLocation)
        let ready = try await eventually(.ok) { try await request(.get, "/health/ready") }
        #expect(ready.status == .ok, "ready once its consumers run", sourceLocation: sourceLocation)
        let paths = try #require(try Answer.json(try await request(.get, "/openapi.json"))["paths"] as? [String: Any])
        #expect(paths[ownPath] != nil, "\(name)'s OpenAPI document lists \(ownPath)", sourceLocation: sourceLocation)

        let office = try await token(.employmentOffice, "JYC001")
        let student = try await token(.student, "2026100001")
        for uri in ["/v1/status", "/v1/projection/digest"] {
            #expect(try await request(.get, uri).status == .unauthorized, "\(uri)", sourceLocation: sourceLocation)
            #expect(try await request(.get, uri, token: student).status == .forbidden, "\(uri)", sourceLocation: sourceLocation)
            #expect(try await request(.get, uri, token: office).status == .ok, "\(uri)", sourceLocation: sourceLocation)
        }
        #expect(try Answer.json(try await request(.get, "/v1/projection/digest", token: office))["service"] as? String == name,
                sourceLocation: sourceLocation)
        let unknownCommand = "/v1/commands/\(UUID().uuidString.lowercased())"
        if let outsider {
            let refused = try await request(.get, unknownCommand, token: outsider)
            #expect(refused.status == .forbidden, sourceLocation: sourceLocation)
            #expect(Answer.code(refused) == "forbidden", sourceLocation: sourceLocation)
        }
        for (uri, caller) in [(unknownCommand, commander), ("/v1/commands/nope", commander),
                              ("/v1/projection/agreements/\(UUID().uuidString.lowercased())", office), ("/v1/nowhere", office)] {
            let missing = try await request(.get, uri, token: caller)
            #expect(missing.status == .notFound, "\(uri)", sourceLocation: sourceLocation)
            #expect(Answer.code(missing) == "not_found", "\(uri)", sourceLocation: sourceLocation)
        }
        let wrongMethod = try await request(.delete, ownPath, token: office)
        #expect(wrongMethod.status == .methodNotAllowed, sourceLocation: sourceLocation)
        #expect(Answer.code(wrongMethod) != nil, "405 has the JSON error body", sourceLocation: sourceLocation)
    }
}
