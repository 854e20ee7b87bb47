import AgreementContract
import AgreementDomain
import Foundation
import Logging
import Testing
import WangqianKafka
import WangqianPostgres
@testable import ServiceKit

/// A service that starts on a projection stored in another format rebuilds it from the log first (the real
/// database and broker).
@Suite(.serialized) struct ProjectionFormatTests {
    let logger = Logger(label: "servicekit-tests")

    @Test func aProjectionInAnotherFormatIsRebuiltFromTheLogAndMarkedCurrent() async throws {
        try await BrokerAndDatabase.withFixture(logger: logger) { pool, producer, topic, postgres in
            // The log holds one signed draft, which the service's consumer had applied (its offset is stored).
            let agreement = StoredFormatTests.agreement
            let draft = try AgreementDecider.decide(
                .saveDraft(student: agreement.student, employer: try #require(agreement.employer), form: agreement.form),
                by: .student(studentID: agreement.student.studentID), state: nil, now: Date())
            let parts = CloudEvent.encode(.agreement(draft[0]), id: UUID(), source: "/wangqian/student", time: Date())
            let headers = try EventKeyRing.development(for: "student").sign(headers: parts.headers, value: parts.value)
            _ = try await producer.send(KafkaOutgoingMessage(topic: topic, key: Array(parts.key.utf8), value: parts.value,
                                                             headers: headers.map { KafkaHeader(key: $0.0, value: $0.1) }, partition: 0))
            try await pool.execute("insert into consumer_offsets (topic, partition, next_offset) values (\(topic), 0, 1)")
            // The projection holds a row in a format this code cannot read, and says it is format 0.
            try await pool.execute("""
                insert into agreements (id, student_id, status, version, state, updated_at)
                values (\(UUID()), 'old', 'draft', 1, '{"format": "old"}'::jsonb, now())
                """)
            try await pool.execute("update projection_format set state_format = 0")

            let rebuild = ProjectionRebuild(postgres: postgres, kafka: .fromEnvironment(clientId: "servicekit-tests"), topic: topic,
                                            keys: .development(for: "student"), logger: logger, idle: .seconds(10))
            #expect(try await ProjectionFormat.ensureCurrent(pool: pool, rebuild: rebuild, logger: logger))

            #expect(try await ProjectionFormat.stored(on: pool) == ProjectionFormat.current)
            let ids = try await pool.query("select id from agreements").map { try $0.decode("id", as: UUID.self) }
            #expect(ids == [draft[0].agreementID.uuid], "the old row is gone and the log's draft is back")
            #expect(try await AgreementProjection.load(draft[0].agreementID, on: pool)?.status == .draft)
            // In the current format, nothing happens.
            #expect(try await ProjectionFormat.ensureCurrent(pool: pool, rebuild: rebuild, logger: logger) == false)
        }
    }
}
