import AgreementDomain
import Foundation
import ServiceKit

/// What a student can do, for the JSON API (`StudentRoutes`) and the portal (`StudentPortal`) alike: each step
/// in one place, deciding nothing itself (the decider does).
struct StudentActions: Sendable {
    let students: any StudentRecords
    let agreements: any AgreementReading
    let commands: AgreementCommands

    /// The caller, who must be a student on the roster.
    func student(_ identity: Identity) async throws -> StudentSnapshot {
        guard let student = try await students.student(identity.subject) else {
            throw APIError(.notFound, code: "student_not_found", message: "没有找到你的学籍信息，请联系学院老师")
        }
        return student
    }

    /// The draft as the student fills it in (填写/编辑就业协议书).
    struct Draft: Sendable, Decodable {
        var employerID: String
        var mobile: String
        var email: String
        var personalOpinion: String?
        var jobTitle: String?
        var workLocation: String?
        var remarks: String?
    }

    func agreement(of student: StudentSnapshot) async throws -> Agreement? {
        try await agreements.agreement(AgreementID.forStudent(student.studentID))
    }

    func notices(of student: StudentSnapshot) async throws -> StudentStore.Notices {
        try await students.notices(student.studentID)
    }

    func acknowledge(_ student: StudentSnapshot, signingNotice: Bool, breachExplanation: Bool) async throws {
        try await students.acknowledge(student.studentID, signingNotice: signingNotice, breachExplanation: breachExplanation)
    }

    func searchEmployers(_ query: String, limit: Int = 20) async throws -> [EmployerSnapshot] {
        try checked { () throws(AgreementRefusal) in try AgreementValidation.validate(query: query, field: "q") }
        return try await students.searchEmployers(query, limit: min(max(limit, 1), 100))
    }

    /// 确定: saves the draft with an approved employer.
    func saveDraft(_ draft: Draft, by student: StudentSnapshot) async throws -> CommandResult {
        try checked { () throws(AgreementRefusal) in
            try AgreementValidation.validate(identifier: draft.employerID, field: "employerID", label: "签约单位")
        }
        guard let employer = try await students.selectableEmployer(draft.employerID) else {
            throw APIError(.unprocessableContent, code: "employer_not_available", message: "所选单位不存在或尚未通过审核", field: "employerID")
        }
        let form = StudentForm(mobile: draft.mobile, email: draft.email, personalOpinion: draft.personalOpinion ?? StudentForm.defaultOpinion,
                               jobTitle: draft.jobTitle, workLocation: draft.workLocation, remarks: draft.remarks)
        return try await execute(.saveDraft(student: student, employer: employer, form: form), by: student)
    }

    /// 正式提交.
    func submit(by student: StudentSnapshot) async throws -> CommandResult {
        let notices = try await notices(of: student)
        return try await execute(.submit(noticesAcknowledged: notices.both, reviewStatus: student.reviewStatus), by: student)
    }

    /// 确定签约信息.
    func confirm(by student: StudentSnapshot) async throws -> CommandResult { try await execute(.studentConfirm, by: student) }

    /// 打印: records the next copy.
    func printCopy(by student: StudentSnapshot) async throws -> CommandResult { try await execute(.printCopy, by: student) }

    private func execute(_ command: AgreementCommand, by student: StudentSnapshot) async throws -> CommandResult {
        try await commands.execute(command, on: AgreementID.forStudent(student.studentID), by: .student(studentID: student.studentID))
    }
}
