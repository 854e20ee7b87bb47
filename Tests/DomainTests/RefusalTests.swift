import AgreementDomain
import Foundation
import Testing

/// Every command in every status: accepted where the workflow allows it, a no-op where it repeats the state,
/// and otherwise refused with the right code, naming the command and the status.
@Suite struct RefusalMatrixTests {
    typealias F = Fixture

    enum Expected: Equatable, CustomStringConvertible {
        case accepted, unchanged, refused(RefusalCode)
        var description: String {
            switch self {
            case .accepted: "accepted"
            case .unchanged: "unchanged"
            case .refused(let code): "refused(\(code))"
            }
        }
    }

    /// A command as its rightful actor would send it, and how long after the last step.
    struct Probe: CustomTestStringConvertible, Sendable {
        var label: String
        var actor: Actor
        var advance: TimeInterval = 60
        var make: @Sendable (Agreement?) -> AgreementCommand
        var testDescription: String { label }
    }

    static let probes: [Probe] = [
        Probe(label: "saveDraft", actor: F.me) { _ in .saveDraft(student: F.student, employer: F.employer, form: F.form2) },
        Probe(label: "saveDraft(other employer)", actor: F.me) { _ in .saveDraft(student: F.student, employer: F.employer2, form: F.form) },
        Probe(label: "submit", actor: F.me) { _ in .submit(noticesAcknowledged: true, reviewStatus: .complete) },
        Probe(label: "employerSign", actor: F.company) { _ in .employerSign(section: F.section2) },
        Probe(label: "employerReturn", actor: F.company) { _ in .employerReturn(reason: "矩阵测试：退回") },
        Probe(label: "employerTakeBack", actor: F.company) { _ in .employerTakeBack(reason: "矩阵测试：拿回") },
        Probe(label: "studentConfirm", actor: F.me) { _ in .studentConfirm },
        Probe(label: "autoConfirm", actor: F.scheduler, advance: 8 * F.day) { .autoConfirm(signingRound: $0?.signingRound ?? 1) },
        Probe(label: "collegeApprove", actor: F.counselor) { _ in .collegeApprove(review: F.review, agreementNumber: F.number) },
        Probe(label: "collegeReturn", actor: F.counselor) { _ in .collegeReturn(reason: "矩阵测试：学院退回") },
        Probe(label: "printCopy", actor: F.me) { _ in .printCopy },
        Probe(label: "authoriseReprint", actor: F.counselor) { _ in .authoriseReprint(extraCopies: 1, reason: "矩阵测试：补打") },
        Probe(label: "file", actor: F.counselor) { _ in .file },
    ]

    /// Where each probe is accepted or is a no-op (the main-path state already says what it asks).
    static func expected(_ label: String, in status: AgreementStatus?) -> Expected {
        let accepted: [String: Set<AgreementStatus?>] = [
            "saveDraft": [nil, .draft, .returned],
            "saveDraft(other employer)": [nil, .draft, .returned],
            "submit": [.draft, .returned],
            "employerSign": [.submitted],
            "employerReturn": [.submitted],
            "employerTakeBack": [.employerSigned],
            "studentConfirm": [.employerSigned],
            "autoConfirm": [.employerSigned],
            "collegeApprove": [.confirmed],
            "collegeReturn": [.confirmed],
            "printCopy": [.approved, .printed],
            "authoriseReprint": [],  // main-path printed state has 2 of 3 copies left
            "file": [.printed],
        ]
        let unchanged: [String: Set<AgreementStatus?>] = [
            "submit": [.submitted], "studentConfirm": [.confirmed], "collegeApprove": [.approved], "file": [.filed],
        ]
        if accepted[label]!.contains(status) { return .accepted }
        if unchanged[label]?.contains(status) == true { return .unchanged }
        if status == nil { return .refused(.notFound) }
        if label == "saveDraft(other employer)" { return .refused(.employerLocked) }
        return .refused(.invalidState)
    }

    static let statuses: [AgreementStatus?] = [nil] + AgreementStatus.allCases.map { $0 }

    @Test(arguments: statuses, probes)
    func commandInStatus(_ status: AgreementStatus?, _ probe: Probe) throws {
        let s = Scenario.at(status)
        #expect(s.state?.status == status)
        let command = probe.make(s.state)
        let want = Self.expected(probe.label, in: status)
        do {
            let events = try s.decide(command, by: probe.actor, after: probe.advance)
            #expect((events.isEmpty ? Expected.unchanged : .accepted) == want, "\(probe.label) in \(status?.rawValue ?? "nil")")
            if let event = events.first {
                // What decide accepts, every projection accepts.
                #expect(throws: Never.self) { try AgreementDecider.evolve(s.state, event) }
            }
        } catch {
            #expect(Expected.refused(error.code) == want, "\(probe.label) in \(status?.rawValue ?? "nil"): \(error)")
            #expect(error.command == command.name)
            #expect(error.status == status)
            #expect(!error.message.isEmpty)
        }
    }
}

/// Who may do what: another student, another employer, a counselor of another college, the wrong role.
@Suite struct ActorTests {
    typealias F = Fixture

    static let studentCommands: [(AgreementStatus, AgreementCommand)] = [
        (.draft, .saveDraft(student: F.student, employer: F.employer, form: F.form2)),
        (.draft, .submit(noticesAcknowledged: true, reviewStatus: .complete)),
        (.employerSigned, .studentConfirm),
        (.approved, .printCopy),
    ]

    @Test(arguments: 0..<4)
    func anotherStudentIsNotPermitted(_ index: Int) {
        let (status, command) = Self.studentCommands[index]
        let refusal = Scenario.at(status).refusal(command, by: F.otherStudent)
        #expect(refusal?.code == .notPermitted)
        #expect(refusal?.message.contains("无权") == true)
    }

    @Test func aStudentCannotCreateAnotherStudentsAgreement() {
        let refusal = Scenario().refusal(.saveDraft(student: F.student, employer: F.employer, form: F.form), by: F.otherStudent)
        #expect(refusal?.code == .notPermitted)
    }

    @Test(arguments: [
        (AgreementStatus.submitted, AgreementCommand.employerSign(section: Fixture.section)),
        (.submitted, .employerReturn(reason: "不是我们的学生")),
        (.employerSigned, .employerTakeBack(reason: "拿回")),
    ])
    func anotherEmployerIsNotPermitted(_ status: AgreementStatus, _ command: AgreementCommand) {
        #expect(Scenario.at(status).refusal(command, by: F.foreignCompany)?.code == .notPermitted)
        #expect(Scenario.at(status).refusal(command, by: F.company2)?.code == .notPermitted)
    }

    @Test func anEmployerNoLongerAddressedIsNotPermitted() throws {
        var s = Scenario.at(.returned)
        try s.run(.saveDraft(student: F.student, employer: F.employer2, form: F.form), by: F.me)
        try s.run(.submit(noticesAcknowledged: true, reviewStatus: .complete), by: F.me)
        #expect(s.refusal(.employerSign(section: F.section), by: F.company)?.code == .notPermitted)
        var corrected = F.section
        corrected.employer = F.employer2
        #expect(s.refusal(.employerSign(section: corrected), by: F.company2) == nil)
    }

    @Test(arguments: [
        (AgreementStatus.confirmed, AgreementCommand.collegeApprove(review: Fixture.review, agreementNumber: Fixture.number)),
        (.confirmed, .collegeReturn(reason: "退回")),
        (.approved, .printCopy),
        (.printed, .file),
    ])
    func aCounselorOfAnotherCollegeIsNotPermitted(_ status: AgreementStatus, _ command: AgreementCommand) {
        #expect(Scenario.at(status).refusal(command, by: F.foreignCounselor)?.code == .notPermitted)
        #expect(Scenario.at(status).refusal(command, by: F.office) == nil, "the office acts for every college")
    }

    @Test func aCounselorOfAnotherCollegeCannotAuthoriseReprints() throws {
        var s = Scenario.at(.printed)
        try s.run(.printCopy, by: F.me)
        try s.run(.printCopy, by: F.me)
        let command = AgreementCommand.authoriseReprint(extraCopies: 1, reason: "污损")
        #expect(s.refusal(command, by: F.foreignCounselor)?.code == .notPermitted)
        #expect(s.refusal(command, by: F.me)?.code == .notPermitted, "students cannot authorise their own reprints")
    }

    @Test(arguments: [
        (AgreementStatus.employerSigned, AgreementCommand.autoConfirm(signingRound: 1), Fixture.me),
        (.employerSigned, .autoConfirm(signingRound: 1), Fixture.office),
        (.employerSigned, .studentConfirm, Fixture.company),
        (.submitted, .employerSign(section: Fixture.section), Fixture.me),
        (.confirmed, .collegeApprove(review: Fixture.review, agreementNumber: Fixture.number), Fixture.company),
        (.confirmed, .collegeApprove(review: Fixture.review, agreementNumber: Fixture.number), Fixture.me),
        (.printed, .file, Fixture.me),
        (.approved, .printCopy, Fixture.company),
        (.draft, .saveDraft(student: Fixture.student, employer: Fixture.employer, form: Fixture.form2), Fixture.counselor),
        (.draft, .submit(noticesAcknowledged: true, reviewStatus: .complete), Fixture.scheduler),
    ])
    func theWrongRoleIsNotPermitted(_ status: AgreementStatus, _ command: AgreementCommand, _ actor: Actor) {
        #expect(Scenario.at(status).refusal(command, by: actor, after: 8 * Fixture.day)?.code == .notPermitted)
    }

    @Test func permissionIsCheckedBeforeTheStateSoStrangersLearnNothing() {
        // In a status where the command would be illegal anyway, a stranger still gets not_permitted.
        #expect(Scenario.at(.filed).refusal(.studentConfirm, by: F.otherStudent)?.code == .notPermitted)
        #expect(Scenario.at(.draft).refusal(.file, by: F.foreignCounselor)?.code == .notPermitted)
    }
}

/// Specific refusals of submission and drafting.
@Suite struct SubmissionRuleTests {
    typealias F = Fixture

    @Test(arguments: [SourceReviewStatus.awaitingCollege, .rejected, .notSubmitted])
    func aReviewStatusThatDoesNotPermitSigningBlocksSubmission(_ status: SourceReviewStatus) {
        let refusal = Scenario.at(.draft).refusal(.submit(noticesAcknowledged: true, reviewStatus: status), by: F.me)
        #expect(refusal?.code == .reviewStatusBlocksSigning)
        #expect(refusal?.message.contains(status.rawValue) == true)
    }

    @Test(arguments: [SourceReviewStatus.complete, .awaitingEmploymentOffice])
    func reviewStatusesThatPermitSigning(_ status: SourceReviewStatus) {
        #expect(status.permitsSigning)
        #expect(Scenario.at(.draft).refusal(.submit(noticesAcknowledged: true, reviewStatus: status), by: F.me) == nil)
    }

    @Test func noticesMustBeAcknowledged() {
        let refusal = Scenario.at(.draft).refusal(.submit(noticesAcknowledged: false, reviewStatus: .complete), by: F.me)
        #expect(refusal?.code == .noticesNotAcknowledged)
        #expect(refusal?.message == "请先阅读签约须知和违约说明")
    }

    @Test(arguments: [AgreementStatus.submitted, .employerSigned, .confirmed, .approved, .printed, .filed])
    func theEmployerIsLockedFromSubmissionUntilAReturn(_ status: AgreementStatus) {
        let refusal = Scenario.at(status).refusal(.saveDraft(student: F.student, employer: F.employer2, form: F.form), by: F.me)
        #expect(refusal?.code == .employerLocked)
        #expect(refusal?.field == "employerID")
    }

    @Test func aSubmissionDecidedOnAnOlderDraftIsRefusedByTheLog() throws {
        var s = Scenario.at(.draft)
        let stale = try #require(s.decide(.submit(noticesAcknowledged: true, reviewStatus: .complete), by: F.me).first)
        try s.run(.saveDraft(student: F.student, employer: F.employer2, form: F.form), by: F.me)
        #expect(throws: AgreementRefusal.self) { try AgreementDecider.evolve(s.state, stale) }
        do {
            _ = try AgreementDecider.evolve(s.state, stale)
        } catch {
            #expect(error.code == .staleDraft)
        }
    }

    @Test func invalidDraftInputIsRefusedWithTheField() {
        var bad = F.form
        bad.mobile = "12345"
        let refusal = Scenario().refusal(.saveDraft(student: F.student, employer: F.employer, form: bad), by: F.me)
        #expect(refusal?.code == .validationFailed)
        #expect(refusal?.field == "mobile")
        #expect(refusal?.message == "手机号格式不正确")
        #expect(refusal?.command == "saveDraft")
    }

    @Test func aReasonIsMandatory() {
        let blank = Scenario.at(.submitted).refusal(.employerReturn(reason: "   "), by: F.company)
        #expect(blank?.code == .validationFailed)
        #expect(blank?.field == "reason")
        #expect(blank?.message == "请填写退回原因")
        #expect(Scenario.at(.employerSigned).refusal(.employerTakeBack(reason: ""), by: F.company)?.code == .validationFailed)
        #expect(Scenario.at(.confirmed).refusal(.collegeReturn(reason: "\n"), by: F.counselor)?.code == .validationFailed)
        let long = String(repeating: "长", count: 501)
        #expect(Scenario.at(.submitted).refusal(.employerReturn(reason: long), by: F.company)?.message == "退回原因不能超过500个字")
    }

    @Test func theEmployerSectionIsValidatedAtSigning() {
        var section = F.section
        section.employerOpinion = ""
        let refusal = Scenario.at(.submitted).refusal(.employerSign(section: section), by: F.company)
        #expect(refusal?.code == .validationFailed && refusal?.field == "employerOpinion")
        section = F.section
        section.employer.contactPhone = "12"
        #expect(Scenario.at(.submitted).refusal(.employerSign(section: section), by: F.company)?.field == "employer.contactPhone")
    }

    @Test func aStateErrorComesBeforeAnInputError() {
        // The college service refuses an approval in the wrong state before it reserves a number, with a
        // placeholder number: the state must be what the refusal talks about.
        let placeholder = AgreementNumber(year: 2000, schoolCode: "10001", serial: 0)
        let refusal = Scenario.at(.employerSigned).refusal(.collegeApprove(review: F.review, agreementNumber: placeholder), by: F.counselor)
        #expect(refusal?.code == .invalidState)
    }
}

/// A repeated command in the state it already produced returns no events.
@Suite struct IdempotencyTests {
    typealias F = Fixture

    @Test func repeatedSaveDraft() throws {
        var s = Scenario()
        try s.run(.saveDraft(student: F.student, employer: F.employer, form: F.form), by: F.me)
        #expect(try s.decide(.saveDraft(student: F.student, employer: F.employer, form: F.form), by: F.me).isEmpty)
        var padded = F.form
        padded.mobile = " 13800138000 "
        #expect(try s.decide(.saveDraft(student: F.student, employer: F.employer, form: padded), by: F.me).isEmpty,
                "equal after trimming")
    }

    @Test func repeatedSubmit() throws {
        let s = Scenario.at(.submitted)
        #expect(try s.decide(.submit(noticesAcknowledged: true, reviewStatus: .complete), by: F.me).isEmpty)
    }

    @Test func repeatedEmployerSign() throws {
        let s = Scenario.at(.employerSigned)
        #expect(try s.decide(.employerSign(section: F.section), by: F.company).isEmpty)
        #expect(s.refusal(.employerSign(section: F.section2), by: F.company)?.code == .invalidState,
                "a different section needs a take-back first")
    }

    @Test func repeatedEmployerReturnAndTakeBack() throws {
        var s = Scenario.at(.submitted)
        try s.run(.employerReturn(reason: "信息有误"), by: F.company)
        #expect(try s.decide(.employerReturn(reason: "信息有误"), by: F.company).isEmpty)
        var t = Scenario.at(.employerSigned)
        try t.run(.employerTakeBack(reason: "重签"), by: F.company)
        #expect(try t.decide(.employerTakeBack(reason: "重签"), by: F.company).isEmpty)
        #expect(t.refusal(.employerTakeBack(reason: "另一个原因"), by: F.company)?.code == .invalidState)
    }

    @Test func repeatedStudentConfirm() throws {
        let s = Scenario.at(.confirmed)
        #expect(try s.decide(.studentConfirm, by: F.me).isEmpty)
    }

    @Test func confirmingAfterAutoConfirmationIsRefused() throws {
        var s = Scenario.at(.employerSigned)
        try s.run(.autoConfirm(signingRound: 1), by: F.scheduler, after: 7 * F.day)
        #expect(try s.decide(.autoConfirm(signingRound: 1), by: F.scheduler).isEmpty)
        #expect(s.refusal(.studentConfirm, by: F.me)?.code == .invalidState)
    }

    @Test func repeatedCollegeApproveAndReturn() throws {
        let s = Scenario.at(.approved)
        #expect(try s.decide(.collegeApprove(review: F.review, agreementNumber: F.number), by: F.counselor).isEmpty)
        var t = Scenario.at(.confirmed)
        try t.run(.collegeReturn(reason: "请补充备注"), by: F.counselor)
        #expect(try t.decide(.collegeReturn(reason: "请补充备注"), by: F.counselor).isEmpty)
    }

    @Test func repeatedReprintAuthorisationAndFiling() throws {
        var s = Scenario.at(.printed)
        try s.run(.printCopy, by: F.me)
        try s.run(.printCopy, by: F.me)
        try s.run(.authoriseReprint(extraCopies: 1, reason: "污损"), by: F.counselor)
        #expect(try s.decide(.authoriseReprint(extraCopies: 1, reason: "污损"), by: F.counselor).isEmpty)
        #expect(try Scenario.at(.filed).decide(.file, by: F.counselor).isEmpty)
    }

    @Test func printingIsNeverIdempotent() throws {
        let s = Scenario.at(.printed)
        #expect(try s.decide(.printCopy, by: F.me).count == 1)
    }

    @Test func aRepeatByAStrangerIsStillRefused() {
        #expect(Scenario.at(.confirmed).refusal(.studentConfirm, by: F.otherStudent)?.code == .notPermitted)
    }
}
