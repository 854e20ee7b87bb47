import AgreementDomain
import Foundation
import Logging
import Testing
@testable import ServiceKit

/// The projection every service keeps, against the real PostgreSQL: events from the log applied in order, the
/// refused ones recorded with their code, what each party may see, and a command's outcome read in one query.
@Suite(.serialized) struct AgreementProjectionTests {
    let logger = Logger(label: "servicekit-tests")
    static let student = StudentSnapshot(
        studentID: "2026100001", name: "王五", gender: "男", collegeCode: "CS", collegeName: "计算机学院",
        major: "软件工程", degree: "本科", graduationYear: 2026, reviewStatus: .complete)
    static let employer = EmployerSnapshot(
        employerID: "E0100", name: "北京某科技有限公司", creditCode: "91110108MA01ABCDE1", type: "民营企业",
        industry: "软件和信息技术服务业", location: "北京市海淀区", contactPerson: "赵经理", contactPhone: "010-82345678",
        address: "北京市海淀区中关村大街1号", postalCode: "100080")
    static let form = StudentForm(mobile: "13800138000", email: "wangwu@example.edu.cn")

    @Test func appliesInOrderRecordsRefusalsAndShowsEachPartyWhatItMaySee() async throws {
        try await BrokerAndDatabase.withFixture(logger: logger) { pool, _, _ in
            let id = AgreementID.forStudent(Self.student.studentID)
            let studentActor = Actor.student(studentID: Self.student.studentID)
            let now = Date(wireMilliseconds: 1_780_000_000_000)
            func apply(_ command: AgreementCommand, state: Agreement?) async throws -> (UUID, ProjectionOutcome) {
                let event = try AgreementDecider.decide(command, by: studentActor, state: state, now: now).first!
                let eventID = UUID()
                let outcome = try await pool.withTransaction { try await AgreementProjection.apply(event, eventID: eventID, on: $0) }
                return (eventID, outcome)
            }

            let (draftID, drafted) = try await apply(.saveDraft(student: Self.student, employer: Self.employer, form: Self.form), state: nil)
            guard case .applied(nil, let draft) = drafted else { Issue.record("the first draft was not applied: \(drafted)"); return }
            #expect(draft.status == .draft)
            let employer = Identity(role: .employer, subject: Self.employer.employerID)
            let itsStudent = Identity(role: .student, subject: Self.student.studentID)
            let otherStudent = Identity(role: .student, subject: "2026100002")
            #expect(try await AgreementProjection.visible(id, to: itsStudent, on: pool)?.shown.status == .draft)
            #expect(try await AgreementProjection.visible(id, to: employer, on: pool) == nil, "a draft is the student's alone")
            #expect(try await AgreementProjection.visible(id, to: otherStudent, on: pool) == nil)

            let submit = AgreementCommand.submit(noticesAcknowledged: true, reviewStatus: .complete)
            let (submitID, submitted) = try await apply(submit, state: draft)
            guard case .applied(_, let after) = submitted else { Issue.record("the submission was not applied: \(submitted)"); return }
            #expect(after.status == .submitted)
            #expect(try await AgreementProjection.visible(id, to: employer, on: pool)?.shown.status == .submitted)

            // The same submission decided on the stale draft arrives again (another command lost the race): refused.
            let (lateID, late) = try await apply(submit, state: draft)
            guard case .refused(let refusal, let state) = late else { Issue.record("a second submission was applied: \(late)"); return }
            #expect(refusal.code == .invalidState)
            #expect(state?.status == .submitted)

            let applied = try #require(try await AgreementProjection.outcome(of: submitID, on: pool))
            #expect(applied.outcome == .applied && applied.refusal == nil && applied.agreement?.status == .submitted)
            let refused = try #require(try await AgreementProjection.outcome(of: lateID, on: pool))
            #expect(refused.outcome == .refused && refused.refusal?.code == .invalidState)
            #expect(try await AgreementProjection.outcome(of: UUID(), on: pool) == nil)
            #expect(try await AgreementProjection.load(id, on: pool)?.version == after.version, "a refusal changes nothing")

            let timeline = try await AgreementProjection.timeline(id, employerUpTo: nil, on: pool)
            #expect(timeline.map(\.eventID) == [draftID, submitID, lateID].map(\.wire))
            #expect(timeline.map(\.outcome) == [.applied, .applied, .refused])
            let employerTimeline = try await AgreementProjection.timeline(id, employerUpTo: after.version, on: pool)
            #expect(employerTimeline.map(\.type).contains("draftSaved") == false, "an employer never sees draft saves")
        }
    }
}
