import AgreementDomain
import Foundation
import Testing

/// 用人单位审核完成七日后自动进行确认: exactly seven days after the latest signing, in the current round only,
/// never after a take-back, return or confirmation.
@Suite struct AutoConfirmationTests {
    typealias F = Fixture
    static let week = 7 * Fixture.day

    @Test func oneMinuteShortOfSevenDaysIsRefused() {
        let s = Scenario.at(.employerSigned)
        let refusal = s.refusal(.autoConfirm(signingRound: 1), by: F.scheduler, after: Self.week - 60)  // 6d23h59m
        #expect(refusal?.code == .windowNotElapsed)
        #expect(refusal?.message == "用人单位签约未满七日，不能自动确认")
    }

    @Test func oneMillisecondShortIsRefusedAndExactlySevenDaysIsAccepted() throws {
        let s = Scenario.at(.employerSigned)
        #expect(s.refusal(.autoConfirm(signingRound: 1), by: F.scheduler, after: Self.week - 0.001)?.code == .windowNotElapsed)
        // Sub-millisecond clocks are cut to the millisecond, as the log would carry them.
        #expect(s.refusal(.autoConfirm(signingRound: 1), by: F.scheduler, after: Self.week - 0.000_4)?.code == .windowNotElapsed)
        let events = try s.decide(.autoConfirm(signingRound: 1), by: F.scheduler, after: Self.week)
        #expect(events.count == 1)
        #expect(events.first?.at == s.now.addingTimeInterval(Self.week))
    }

    @Test func laterIsAcceptedToo() throws {
        var s = Scenario.at(.employerSigned)
        try s.run(.autoConfirm(signingRound: 1), by: F.scheduler, after: 30 * F.day)
        #expect(s.state?.confirmedBy == .auto)
    }

    @Test func theWindowIsMeasuredBetweenTheEventsOwnTimestamps() throws {
        // A projection judges by the event's `at`, not by when it happens to apply it.
        let s = Scenario.at(.employerSigned)
        let signedAt = try #require(s.state?.lastSignedAt)
        let early = AgreementEvent.autoConfirmed(AutoConfirmed(
            agreementID: s.state!.id, studentID: "2026000001", signingRound: 1, at: signedAt.addingTimeInterval(Self.week - 1), actor: F.scheduler))
        let onTime = AgreementEvent.autoConfirmed(AutoConfirmed(
            agreementID: s.state!.id, studentID: "2026000001", signingRound: 1, at: signedAt.addingTimeInterval(Self.week), actor: F.scheduler))
        #expect(throws: AgreementRefusal.self) { try AgreementDecider.evolve(s.state, early) }
        #expect(try AgreementDecider.evolve(s.state, onTime).confirmedBy == .auto)
    }

    @Test func neverAfterTheStudentConfirmed() throws {
        var s = Scenario.at(.employerSigned)
        try s.run(.studentConfirm, by: F.me, after: F.day)
        #expect(s.refusal(.autoConfirm(signingRound: 1), by: F.scheduler, after: Self.week)?.code == .invalidState)
    }

    @Test func neverAfterATakeBack() throws {
        var s = Scenario.at(.employerSigned)
        try s.run(.employerTakeBack(reason: "岗位有误"), by: F.company, after: F.day)
        #expect(s.refusal(.autoConfirm(signingRound: 1), by: F.scheduler, after: Self.week)?.code == .invalidState)
    }

    @Test func neverAfterAReturn() throws {
        // Signed, taken back, then returned to the student: nothing is waiting for confirmation.
        var s = Scenario.at(.employerSigned)
        try s.run(.employerTakeBack(reason: "岗位有误"), by: F.company, after: F.day)
        try s.run(.employerReturn(reason: "改签其他岗位，请重新提交"), by: F.company)
        #expect(s.refusal(.autoConfirm(signingRound: 1), by: F.scheduler, after: Self.week)?.code == .invalidState)
    }

    @Test func aTimerOfAnEarlierRoundIsStale() throws {
        var s = Scenario.at(.employerSigned)  // round 1 signed at T
        try s.run(.employerTakeBack(reason: "岗位有误"), by: F.company, after: F.day)
        try s.run(.employerSign(section: F.section2), by: F.company, after: F.day)  // round 2 at T+2d
        #expect(s.state?.signingRound == 2)
        let stale = s.refusal(.autoConfirm(signingRound: 1), by: F.scheduler, after: 6 * F.day)  // T+8d
        #expect(stale?.code == .staleSigningRound)
        #expect(s.refusal(.autoConfirm(signingRound: 2), by: F.scheduler, after: 6 * F.day)?.code == .windowNotElapsed)
        #expect(s.refusal(.autoConfirm(signingRound: 2), by: F.scheduler, after: 7 * F.day) == nil)
        #expect(s.refusal(.autoConfirm(signingRound: 3), by: F.scheduler, after: 7 * F.day)?.code == .staleSigningRound)
    }

    @Test func aConfirmationOfAnEarlierRoundIsStaleOnTheLog() throws {
        var s = Scenario.at(.employerSigned)
        let confirmRound1 = try #require(s.decide(.studentConfirm, by: F.me).first)
        try s.run(.employerTakeBack(reason: "岗位有误"), by: F.company)
        // Landing while the agreement is back with the employer: the wrong status.
        #expect(refusalCode(s.state, confirmRound1) == .invalidState)
        try s.run(.employerSign(section: F.section2), by: F.company)
        // Landing after the re-signing: the student confirmed what is no longer there.
        #expect(refusalCode(s.state, confirmRound1) == .staleSigningRound)
    }

    @Test func autoConfirmationHappensOnce() throws {
        var s = Scenario.at(.employerSigned)
        try s.run(.autoConfirm(signingRound: 1), by: F.scheduler, after: Self.week)
        let again = AgreementEvent.autoConfirmed(AutoConfirmed(
            agreementID: s.state!.id, studentID: "2026000001", signingRound: 1, at: s.now, actor: F.scheduler))
        #expect(refusalCode(s.state, again) == .invalidState)
    }

    func refusalCode(_ state: Agreement?, _ event: AgreementEvent) -> RefusalCode? {
        do {
            _ = try AgreementDecider.evolve(state, event)
            return nil
        } catch {
            return error.code
        }
    }
}
