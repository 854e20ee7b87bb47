import AgreementDomain
import Testing

/// Bad text is refused by the domain, once: control characters in any text field, and every field within its
/// limit (roster records and registrations included).
@Suite struct TextSafetyTests {
    typealias V = AgreementValidation

    static let controls = ["\u{0000}", "\u{001B}", "\u{007F}", "\u{0085}", "\r", "\u{0008}"]

    @Test(arguments: controls)
    func controlCharactersAreRefusedInEveryStudentField(_ c: String) {
        let f = Fixture.form
        let broken: [(String, StudentForm)] = [
            ("personalOpinion", StudentForm(mobile: f.mobile, email: f.email, personalOpinion: "同" + c + "意")),
            ("jobTitle", StudentForm(mobile: f.mobile, email: f.email, jobTitle: "工程" + c + "师")),
            ("workLocation", StudentForm(mobile: f.mobile, email: f.email, workLocation: "广东" + c + "深圳")),
            ("remarks", StudentForm(mobile: f.mobile, email: f.email, remarks: "备" + c + "注")),
            ("mobile", StudentForm(mobile: "1380013800" + c, email: f.email)),
            ("email", StudentForm(mobile: f.mobile, email: "a" + c + "@example.com")),
        ]
        for (field, form) in broken {
            let problems = V.problems(in: form)
            #expect(problems.map(\.field) == [field], "\(field)")
            #expect(problems.allSatisfy { $0.code == .validationFailed })
        }
    }

    @Test func tabAndNewlineAreAllowedInFreeText() {
        let f = Fixture.form
        let form = StudentForm(mobile: f.mobile, email: f.email, personalOpinion: "同意\t签约", remarks: "第一行\n第二行")
        #expect(V.problems(in: form).isEmpty)
    }

    @Test func controlCharactersAreRefusedInRegistrationsReviewsAndReasons() {
        var employer = Fixture.employer
        employer.name += "\u{0000}"
        #expect(V.problems(in: employer).map(\.field) == ["name"])
        var review = Fixture.review
        review.mailingAddress += "\u{001B}"
        #expect(V.problems(in: review).map(\.field) == ["mailingAddress"])
        #expect(throws: AgreementRefusal.self) { try V.validate(reason: "原因\u{0000}") }
        #expect(throws: AgreementRefusal.self) { try V.validate(query: "腾讯\u{0000}", field: "q") }
        #expect(throws: AgreementRefusal.self) { try V.validate(identifier: "E\u{0000}1", field: "employerID", label: "签约单位") }
        let section = EmployerSection(employer: Fixture.employer, employerOpinion: "同意", supervisorOpinion: "同意\u{0000}")
        #expect(V.problems(in: section).map(\.field) == ["supervisorOpinion"])
    }

    @Test func aDraftWithANulIsRefusedByTheDecider() {
        let s = Scenario.at(nil)
        let form = StudentForm(mobile: "13800138000", email: "a@example.com", personalOpinion: "同意\u{0000}")
        let refusal = s.refusal(.saveDraft(student: Fixture.student, employer: Fixture.employer, form: form), by: Fixture.me)
        #expect(refusal?.code == .validationFailed)
        #expect(refusal?.field == "personalOpinion")
    }

    @Test func rosterRecordsKeepTheirLimits() {
        var s = Fixture.student
        #expect(V.problems(in: s).isEmpty)
        s.collegeName = String(repeating: "学", count: 500_000)
        #expect(V.problems(in: s).map(\.message) == ["学院名称不能超过100个字"])
        s = Fixture.student
        s.studentID = "2026-001"
        #expect(V.problems(in: s).map(\.field) == ["studentID"])
        s = Fixture.student
        s.gender = "未知"
        s.graduationYear = 1999
        #expect(V.problems(in: s).map(\.field) == ["gender", "graduationYear"])
        s = Fixture.student
        s.major = "软件\u{0000}工程"
        #expect(V.problems(in: s).map(\.message) == ["专业不能包含控制字符"])
    }

    @Test func hugeTextIsRefusedQuicklyAndByItsLength() {
        let huge = String(repeating: "很", count: 2_000_000)
        #expect(throws: AgreementRefusal.self) { try V.validate(reason: huge) }
    }
}

/// Drafts are the student's alone: what an employer may see of an agreement.
@Suite struct EmployerVisibilityTests {
    func shared(_ s: Scenario) -> Agreement? {
        var last: Agreement?
        var state: Agreement?
        for e in s.events {
            state = try! AgreementDecider.evolve(state, e)
            last = EmployerVisibility.lastShared(after: state!, event: e, before: last)
        }
        return last
    }

    @Test func aSavedDraftIsNotShownToItsEmployer() {
        let s = Scenario.at(.draft)
        #expect(EmployerVisibility.view(current: s.state!, lastShared: shared(s), employerID: "E0001") == nil)
    }

    @Test func aSubmittedAgreementIsShownToItsEmployerOnly() {
        let s = Scenario.at(.submitted)
        #expect(EmployerVisibility.view(current: s.state!, lastShared: shared(s), employerID: "E0001")?.status == .submitted)
        #expect(EmployerVisibility.view(current: s.state!, lastShared: shared(s), employerID: "E0002") == nil)
    }

    @Test func aDraftResavedForTheSameEmployerShowsAsReturned() throws {
        var s = Scenario.at(.returned)
        try s.run(.saveDraft(student: Fixture.student, employer: Fixture.employer, form: Fixture.form2), by: Fixture.me)
        #expect(s.state?.status == .draft)
        let view = EmployerVisibility.view(current: s.state!, lastShared: shared(s), employerID: "E0001")
        #expect(view?.status == .returned)
        #expect(view?.form == Fixture.form)  // not the new, unsubmitted draft
    }

    @Test func anotherEmployerChosenAfterAReturnHidesItFromBoth() throws {
        var s = Scenario.at(.returned)
        try s.run(.saveDraft(student: Fixture.student, employer: Fixture.employer2, form: Fixture.form), by: Fixture.me)
        #expect(EmployerVisibility.view(current: s.state!, lastShared: shared(s), employerID: "E0001") == nil)
        #expect(EmployerVisibility.view(current: s.state!, lastShared: shared(s), employerID: "E0002") == nil)
        try s.run(.submit(noticesAcknowledged: true, reviewStatus: .complete), by: Fixture.me)
        #expect(EmployerVisibility.view(current: s.state!, lastShared: shared(s), employerID: "E0002")?.status == .submitted)
    }
}
