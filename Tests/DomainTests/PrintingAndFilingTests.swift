import AgreementDomain
import Foundation
import Testing

/// 一式三份，不可多打; reprints only when re-authorised; filing only after printing; the number assigned once.
@Suite struct PrintingAndFilingTests {
    typealias F = Fixture

    @Test func aFourthCopyIsRefusedUntilReauthorised() throws {
        var s = Scenario.at(.approved)
        for _ in 1...3 { try s.run(.printCopy, by: F.me) }
        #expect(s.state?.copiesPrinted == 3)
        let fourth = s.refusal(.printCopy, by: F.counselor)
        #expect(fourth?.code == .copyLimitReached)
        #expect(fourth?.message.contains("不可多打") == true)
        try s.run(.authoriseReprint(extraCopies: 1, reason: "第二份打印污损"), by: F.counselor)
        let events = try s.run(.printCopy, by: F.office)
        guard case .copyPrinted(let e) = events.first else { Issue.record("expected copyPrinted"); return }
        #expect(e.copyNumber == 4)
        #expect(s.refusal(.printCopy, by: F.me)?.code == .copyLimitReached)
    }

    @Test func reprintsNeedAllAllowedCopiesPrinted() throws {
        let s = Scenario.at(.printed)
        let refusal = s.refusal(.authoriseReprint(extraCopies: 1, reason: "污损"), by: F.counselor)
        #expect(refusal?.code == .invalidState)
        #expect(refusal?.message.contains("尚有2份未打印") == true)
    }

    @Test(arguments: [0, 4, -1])
    func reprintsAllowOneToThreeCopies(_ extra: Int) throws {
        var s = Scenario.at(.printed)
        try s.run(.printCopy, by: F.me)
        try s.run(.printCopy, by: F.me)
        let refusal = s.refusal(.authoriseReprint(extraCopies: extra, reason: "污损"), by: F.counselor)
        #expect(refusal?.code == .validationFailed)
        #expect(refusal?.field == "extraCopies")
    }

    @Test func aCopyRecordedMeanwhileMakesAConcurrentPrintStale() throws {
        var s = Scenario.at(.printed)
        let mine = try #require(s.decide(.printCopy, by: F.me).first)
        try s.run(.printCopy, by: F.counselor)  // copy 2 by the counselor lands first
        do {
            _ = try AgreementDecider.evolve(s.state, mine)
            Issue.record("expected a refusal")
        } catch {
            #expect(error.code == .staleCopyNumber)
        }
    }

    @Test func filingOnlyAfterPrinting() throws {
        var s = Scenario.at(.approved)
        let refusal = s.refusal(.file, by: F.counselor)
        #expect(refusal?.code == .invalidState)
        #expect(refusal?.message.contains("打印后才能备案") == true)
        try s.run(.printCopy, by: F.me)
        try s.run(.file, by: F.counselor)
        #expect(s.state?.status == .filed)
        #expect(s.refusal(.printCopy, by: F.me)?.code == .invalidState)
    }

    @Test func theAgreementNumberIsAssignedOnce() throws {
        var s = Scenario.at(.confirmed)
        #expect(s.state?.agreementNumber == nil)
        try s.run(.collegeApprove(review: F.review, agreementNumber: F.number), by: F.counselor)
        #expect(s.state?.agreementNumber?.formatted == "202610001000123")
        #expect(try s.decide(.collegeApprove(review: F.review, agreementNumber: F.number), by: F.counselor).isEmpty)
        #expect(s.refusal(.collegeApprove(review: F.review, agreementNumber: F.number2), by: F.counselor)?.code == .invalidState)
        try s.run(.printCopy, by: F.me)
        try s.run(.file, by: F.counselor)
        #expect(s.state?.agreementNumber == F.number, "kept through printing and filing")
    }

    @Test func aNumberAlreadyAssignedCannotChangeAtALaterApproval() throws {
        // No listed transition leads back to an approval once a number exists, but the guard holds for any
        // state that carries one (e.g. a future reissue path): the same number passes, another is refused.
        var s = Scenario.at(.confirmed)
        try s.run(.collegeApprove(review: F.review, agreementNumber: F.number), by: F.counselor)
        var state = try #require(s.state)
        state.status = .confirmed
        var t = Scenario(state: state, events: s.events, now: s.now)
        let refusal = t.refusal(.collegeApprove(review: F.review, agreementNumber: F.number2), by: F.counselor)
        #expect(refusal?.code == .numberMismatch)
        #expect(refusal?.message.contains("202610001000123") == true)
        try t.run(.collegeApprove(review: F.review, agreementNumber: F.number), by: F.counselor)
        #expect(t.state?.agreementNumber == F.number)
    }

    @Test func anInvalidNumberIsRefused() {
        let bad = AgreementNumber(year: 2026, schoolCode: "1001", serial: 5)
        let refusal = Scenario.at(.confirmed).refusal(.collegeApprove(review: F.review, agreementNumber: bad), by: F.counselor)
        #expect(refusal?.code == .validationFailed)
        #expect(refusal?.field == "agreementNumber")
    }

    @Test func reviewFieldsAreAllRequired() {
        var review = F.review
        review.mailingAddress = " "
        let refusal = Scenario.at(.confirmed).refusal(.collegeApprove(review: review, agreementNumber: F.number), by: F.counselor)
        #expect(refusal?.field == "mailingAddress")
        #expect(refusal?.message == "请填写协议书邮寄地址")
        review = F.review
        review.contactPhone = "8888"
        #expect(Scenario.at(.confirmed).refusal(.collegeApprove(review: review, agreementNumber: F.number), by: F.counselor)?.message == "联系电话格式不正确")
    }
}
