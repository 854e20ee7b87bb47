import AgreementDomain
import Foundation
import Testing

/// One test per allowed transition: the event produced and the state it leads to.
@Suite struct TransitionTests {
    typealias F = Fixture

    @Test func saveDraftCreatesTheAgreement() throws {
        var s = Scenario()
        let events = try s.run(.saveDraft(student: F.student, employer: F.employer, form: F.form), by: F.me)
        guard case .draftSaved(let e) = try #require(events.first) else { Issue.record("expected draftSaved"); return }
        #expect(e.agreementID == AgreementID.forStudent("2026000001"))
        #expect(e.actor == F.me)
        let a = try #require(s.state)
        #expect(a.status == .draft)
        #expect(a.id == AgreementID.forStudent("2026000001"))
        #expect(a.employerID == "E0001")
        #expect(a.form == F.form)
        #expect(a.version == 1)
        #expect(a.copiesAllowed == 3 && a.copiesPrinted == 0 && a.signingRound == 0)
    }

    @Test func saveDraftEditsADraftAndMayChangeTheEmployer() throws {
        var s = Scenario.at(.draft)
        try s.run(.saveDraft(student: F.student, employer: F.employer2, form: F.form2), by: F.me)
        #expect(s.state?.status == .draft)
        #expect(s.state?.employerID == "E0002")
        #expect(s.state?.form == F.form2)
        #expect(s.state?.version == 2)
    }

    @Test func saveDraftAfterAReturnMayChangeTheEmployer() throws {
        var s = Scenario.at(.returned)
        try s.run(.saveDraft(student: F.student, employer: F.employer2, form: F.form), by: F.me)
        #expect(s.state?.status == .draft)
        #expect(s.state?.employerID == "E0002")
        #expect(s.state?.lastReason?.kind == .employerReturned, "the return reason stays visible while editing")
    }

    @Test func submitSendsTheDraftToTheEmployer() throws {
        var s = Scenario.at(.draft)
        let events = try s.run(.submit(noticesAcknowledged: true, reviewStatus: .awaitingEmploymentOffice), by: F.me)
        guard case .submitted(let e) = try #require(events.first) else { Issue.record("expected submitted"); return }
        #expect(e.student.reviewStatus == .awaitingEmploymentOffice)
        #expect(e.student.collegeCode == "CS" && e.student.name == "张三")
        #expect(e.employer == F.employer && e.form == F.form && e.noticesAcknowledged)
        #expect(s.state?.status == .submitted)
        #expect(s.state?.student.reviewStatus == .awaitingEmploymentOffice)
        #expect(s.state?.noticesAcknowledged == true)
    }

    @Test func submitAfterAReturnResubmits() throws {
        var s = Scenario.at(.returned)
        try s.run(.submit(noticesAcknowledged: true, reviewStatus: .complete), by: F.me)
        #expect(s.state?.status == .submitted)
    }

    @Test func employerSignStartsSigningRoundOne() throws {
        var s = Scenario.at(.submitted)
        let events = try s.run(.employerSign(section: F.section), by: F.company)
        guard case .employerSigned(let e) = try #require(events.first) else { Issue.record("expected employerSigned"); return }
        #expect(e.signingRound == 1 && e.section == F.section && e.at == s.now)
        #expect(s.state?.status == .employerSigned)
        #expect(s.state?.lastSignedAt == s.now)
        #expect(s.state?.employerSection == F.section)
        #expect(s.state?.autoConfirmationDue == s.now.addingTimeInterval(7 * F.day))
    }

    @Test func employerSignMayCorrectTheEmployerSection() throws {
        var s = Scenario.at(.submitted)
        var corrected = F.employer
        corrected.address = "深圳市南山区海天二路33号腾讯滨海大厦"
        try s.run(.employerSign(section: EmployerSection(employer: corrected, employerOpinion: "同意", supervisorOpinion: "同意")), by: F.company)
        #expect(s.state?.employerOnAgreement?.address == "深圳市南山区海天二路33号腾讯滨海大厦")
        #expect(s.state?.employer == F.employer, "the student's choice is kept as chosen")
    }

    @Test func employerReturnSendsItBackWithTheReason() throws {
        var s = Scenario.at(.submitted)
        try s.run(.employerReturn(reason: "  专业信息有误  "), by: F.company)
        #expect(s.state?.status == .returned)
        #expect(s.state?.lastReason?.reason == "专业信息有误", "reasons are trimmed")
        #expect(s.state?.lastReason?.by == F.company)
        #expect(s.state?.lastReason?.kind == .employerReturned)
    }

    @Test func employerTakeBackReturnsToPendingAndKeepsTheSectionForReSigning() throws {
        var s = Scenario.at(.employerSigned)
        let events = try s.run(.employerTakeBack(reason: "岗位名称填写错误"), by: F.company)
        guard case .employerTookBack(let e) = try #require(events.first) else { Issue.record("expected employerTookBack"); return }
        #expect(e.signingRound == 1)
        #expect(s.state?.status == .submitted)
        #expect(s.state?.employerSection == F.section)
        #expect(s.state?.lastReason?.kind == .employerTookBack)
    }

    @Test func reSigningAfterTakeBackStartsTheNextRound() throws {
        var s = Scenario.at(.employerSigned)
        try s.run(.employerTakeBack(reason: "岗位名称填写错误"), by: F.company)
        try s.run(.employerSign(section: F.section2), by: F.company, after: F.day)
        #expect(s.state?.signingRound == 2)
        #expect(s.state?.lastSignedAt == s.now)
        #expect(s.state?.employerSection == F.section2)
    }

    @Test func studentConfirmConfirms() throws {
        var s = Scenario.at(.employerSigned)
        let events = try s.run(.studentConfirm, by: F.me)
        guard case .studentConfirmed(let e) = try #require(events.first) else { Issue.record("expected studentConfirmed"); return }
        #expect(e.signingRound == 1)
        #expect(s.state?.status == .confirmed)
        #expect(s.state?.confirmedBy == .student)
        #expect(s.state?.confirmedAt == s.now)
    }

    @Test func autoConfirmConfirmsSevenDaysAfterSigning() throws {
        var s = Scenario.at(.employerSigned)
        try s.run(.autoConfirm(signingRound: 1), by: F.scheduler, after: 7 * F.day)
        #expect(s.state?.status == .confirmed)
        #expect(s.state?.confirmedBy == .auto)
    }

    @Test func collegeApproveAssignsTheNumber() throws {
        var s = Scenario.at(.confirmed)
        let events = try s.run(.collegeApprove(review: F.review, agreementNumber: F.number), by: F.counselor)
        guard case .collegeApproved(let e) = try #require(events.first) else { Issue.record("expected collegeApproved"); return }
        #expect(e.actor == F.counselor && e.agreementNumber == F.number && e.review == F.review)
        #expect(s.state?.status == .approved)
        #expect(s.state?.agreementNumber?.formatted == "202610001000123")
        #expect(s.state?.reviewedBy == "T001")
        #expect(s.state?.review == F.review)
    }

    @Test func theEmploymentOfficeMayApproveToo() throws {
        var s = Scenario.at(.confirmed)
        try s.run(.collegeApprove(review: F.review, agreementNumber: F.number), by: F.office)
        #expect(s.state?.status == .approved)
        #expect(s.state?.reviewedBy == "J001")
    }

    @Test func collegeReturnSendsItBackToTheStudent() throws {
        var s = Scenario.at(.confirmed)
        try s.run(.collegeReturn(reason: "备注中的违约金条款不合规"), by: F.counselor)
        #expect(s.state?.status == .returned)
        #expect(s.state?.lastReason?.kind == .collegeReturned)
        #expect(s.state?.employerSection == nil && s.state?.confirmedBy == nil)
    }

    @Test func printCopyAfterApprovalPrintsCopyOne() throws {
        var s = Scenario.at(.approved)
        let events = try s.run(.printCopy, by: F.me)
        guard case .copyPrinted(let e) = try #require(events.first) else { Issue.record("expected copyPrinted"); return }
        #expect(e.copyNumber == 1)
        #expect(s.state?.status == .printed)
        #expect(s.state?.copiesPrinted == 1)
    }

    @Test(arguments: [Fixture.me, Fixture.counselor, Fixture.office])
    func studentCounselorAndOfficeMayPrint(_ actor: Actor) throws {
        var s = Scenario.at(.printed)
        try s.run(.printCopy, by: actor)
        #expect(s.state?.copiesPrinted == 2)
    }

    @Test func authoriseReprintAllowsMoreCopies() throws {
        var s = Scenario.at(.printed)
        try s.run(.printCopy, by: F.me)
        try s.run(.printCopy, by: F.me)
        try s.run(.authoriseReprint(extraCopies: 2, reason: "一份污损"), by: F.counselor)
        #expect(s.state?.status == .printed)
        #expect(s.state?.copiesAllowed == 5)
        #expect(s.state?.lastReason?.kind == .reprintAuthorised)
    }

    @Test func fileEndsTheWorkflow() throws {
        var s = Scenario.at(.printed)
        try s.run(.file, by: F.counselor)
        #expect(s.state?.status == .filed)
        #expect(s.state?.filedAt == s.now)
        #expect(s.state?.status.isInProgress == false)
    }

    @Test func versionCountsAppliedEventsAndUpdatedAtFollowsTheLastOne() throws {
        let s = Scenario.at(.filed)
        #expect(s.state?.version == s.events.count)
        #expect(s.state?.version == 7)
        #expect(s.state?.updatedAt == s.events.last?.at)
    }

    @Test func eventTimesAreCutToWholeMilliseconds() throws {
        var s = Scenario.at(.submitted)
        s.now = s.now.addingTimeInterval(0.000_7)  // 0.7 ms
        let events = try s.run(.employerSign(section: F.section), by: F.company, after: 0)
        #expect(events.first?.at == Fixture.t0.addingTimeInterval(120))  // two 60 s steps before, 0.7 ms dropped
    }
}
