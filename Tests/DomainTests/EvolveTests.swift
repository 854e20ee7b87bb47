import AgreementDomain
import Foundation
import Testing

/// evolve is the arbiter: it refuses events out of order, identically whatever the history, and it agrees with
/// decide.
@Suite struct EvolveTests {
    typealias F = Fixture

    /// A confirmation decided while the employer's signing stood.
    static func lateConfirmation() throws -> AgreementEvent {
        try #require(Scenario.at(.employerSigned).decide(.studentConfirm, by: F.me).first)
    }

    @Test func aConfirmationLandingOnASubmittedAgreementIsRefusedTheSameWhateverTheHistory() throws {
        let confirmation = try Self.lateConfirmation()
        // History A: never signed (submitted straight away).
        let a = Scenario.at(.submitted)
        // History B: signed, then taken back (the race the confirmation lost).
        var b = Scenario.at(.employerSigned)
        try b.run(.employerTakeBack(reason: "岗位有误"), by: F.company)
        // History C: returned, edited, resubmitted.
        var c = Scenario.at(.returned)
        try c.run(.saveDraft(student: F.student, employer: F.employer, form: F.form2), by: F.me)
        try c.run(.submit(noticesAcknowledged: true, reviewStatus: .complete), by: F.me)

        var refusals: [AgreementRefusal] = []
        for state in [a.state, b.state, c.state] {
            #expect(state?.status == .submitted)
            do {
                _ = try AgreementDecider.evolve(state, confirmation)
                Issue.record("a confirmation of a submitted agreement must be refused")
            } catch {
                refusals.append(error)
            }
        }
        #expect(refusals.count == 3)
        #expect(Set(refusals).count == 1, "one refusal, whatever the history: \(refusals)")
        let r = try #require(refusals.first)
        #expect(r.code == .invalidState)
        #expect(r.status == .submitted)
        #expect(r.command == "studentConfirmed")
        #expect(r.message == "协议当前状态为“待单位签约”，不能确定签约信息")
    }

    @Test func evolveIsPureTheSameEventOnTheSameStateGivesTheSameResult() throws {
        let s = Scenario.at(.employerSigned)
        let event = try #require(s.decide(.studentConfirm, by: F.me).first)
        #expect(try AgreementDecider.evolve(s.state, event) == AgreementDecider.evolve(s.state, event))
    }

    @Test func onlyASaveCreatesAnAgreement() throws {
        let signed = try #require(Scenario.at(.submitted).decide(.employerSign(section: F.section), by: F.company).first)
        do {
            _ = try AgreementDecider.evolve(nil, signed)
            Issue.record("expected not_found")
        } catch {
            #expect(error.code == .notFound)
            #expect(error.status == nil)
        }
    }

    @Test func anEventOfAnotherAgreementIsRefused() throws {
        var other = Scenario()
        try other.run(.saveDraft(student: F.otherStudentSnapshot, employer: F.employer, form: F.form), by: F.otherStudent)
        let submit = try #require(other.decide(.submit(noticesAcknowledged: true, reviewStatus: .complete), by: F.otherStudent).first)
        do {
            _ = try AgreementDecider.evolve(Scenario.at(.draft).state, submit)
            Issue.record("expected agreement_mismatch")
        } catch {
            #expect(error.code == .agreementMismatch)
        }
    }

    @Test func anEventByAnActorWithoutTheRightIsRefusedByEveryProjection() throws {
        // A forged (or buggy) event: another employer "signs".
        let s = Scenario.at(.submitted)
        let forged = AgreementEvent.employerSigned(EmployerSigned(
            agreementID: s.state!.id, studentID: "2026000001", section: F.section, signingRound: 1, at: s.now, actor: F.foreignCompany))
        #expect(throws: AgreementRefusal(code: .notPermitted, status: .submitted, command: "employerSigned",
                                         message: "无权对该协议进行“确定签约”操作")) {
            try AgreementDecider.evolve(s.state, forged)
        }
    }

    @Test func decideRunsTheSameGuardAsEvolve() throws {
        // decide refuses what evolve would refuse, with the command's name instead of the event's.
        let s = Scenario.at(.submitted)
        let refusal = try #require(s.refusal(.studentConfirm, by: F.me))
        #expect(refusal.code == .invalidState)
        #expect(refusal.command == "studentConfirm")
        #expect(refusal.message == "协议当前状态为“待单位签约”，不能确定签约信息")
    }

    @Test func replayingTheLogRebuildsTheState() throws {
        let s = Scenario.at(.filed)
        var replayed: Agreement?
        for e in s.events { replayed = try AgreementDecider.evolve(replayed, e) }
        #expect(replayed == s.state)
    }
}

/// The JSON shapes other code stores and shows.
@Suite struct DomainCodingTests {
    typealias F = Fixture

    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    @Test func actorsHaveAStableShape() throws {
        #expect(try Self.json(F.me) == #"{"id":"2026000001","role":"student"}"#)
        #expect(try Self.json(F.company) == #"{"id":"E0001","role":"employer"}"#)
        #expect(try Self.json(F.counselor) == #"{"collegeCode":"CS","id":"T001","role":"counselor"}"#)
        #expect(try Self.json(F.office) == #"{"id":"J001","role":"office"}"#)
        #expect(try Self.json(F.scheduler) == #"{"id":"scheduler","role":"system"}"#)
        for actor in [F.me, F.company, F.counselor, F.office, F.scheduler] {
            #expect(try JSONDecoder().decode(Actor.self, from: Data(Self.json(actor).utf8)) == actor)
        }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Actor.self, from: Data(#"{"role":"dean","id":"x"}"#.utf8)) }
    }

    @Test func theStateRoundTripsThroughJSON() throws {
        let s = Scenario.at(.filed)
        let state = try #require(s.state)
        let data = try JSONEncoder().encode(state)
        #expect(try JSONDecoder().decode(Agreement.self, from: data) == state)
        #expect(try Self.json(state).contains(#""agreementNumber":"202610001000123""#))
        #expect(try Self.json(state).contains(#""status":"filed""#))
    }

    @Test func eventsAndCommandsRoundTripThroughJSON() throws {
        let s = Scenario.at(.filed)
        for event in s.events {
            let data = try JSONEncoder().encode(event)
            #expect(try JSONDecoder().decode(AgreementEvent.self, from: data) == event)
            #expect(try Self.json(event).hasPrefix(#"{"data":{"#))
        }
        let commands: [AgreementCommand] = [
            .saveDraft(student: F.student, employer: F.employer, form: F.form), .studentConfirm,
            .authoriseReprint(extraCopies: 2, reason: "污损"), .collegeApprove(review: F.review, agreementNumber: F.number),
        ]
        for command in commands {
            #expect(try JSONDecoder().decode(AgreementCommand.self, from: JSONEncoder().encode(command)) == command)
        }
    }

    @Test func refusalsRoundTripWithStringCodes() throws {
        let refusal = try #require(Scenario.at(.submitted).refusal(.studentConfirm, by: F.me))
        let text = try Self.json(refusal)
        #expect(text.contains(#""code":"invalid_state""#))
        #expect(text.contains(#""status":"submitted""#))
        #expect(try JSONDecoder().decode(AgreementRefusal.self, from: Data(text.utf8)) == refusal)
    }

    @Test func statusNamesAreChinese() {
        #expect(AgreementStatus.submitted.displayName == "待单位签约")
        #expect(AgreementStatus.returned.displayName == "已退回")
        #expect(AgreementStatus.employerSigned.displayName == "单位已签约")
        #expect(AgreementStatus.filed.displayName == "已备案")
        #expect(AgreementStatus.allCases.filter(\.awaitingEmployer) == [.submitted])
        #expect(AgreementStatus.allCases.filter(\.allowsEmployerChange) == [.draft, .returned])
        #expect(AgreementStatus.allCases.filter { !$0.isInProgress } == [.filed])
    }

    @Test func aMissingOpinionDecodesAsTheDefault() throws {
        let form = try JSONDecoder().decode(StudentForm.self, from: Data(#"{"mobile":"13800138000","email":"a@b.cn"}"#.utf8))
        #expect(form.personalOpinion == "同意")
    }
}
