import AgreementDomain
import Foundation
import Hummingbird
import ServiceKit

/// 用户中心 → 我的签约. Every route is the calling student's own: the student ID comes from the token only.
struct StudentRoutes: Sendable {
    let runtime: ServiceRuntime
    var commands: AgreementCommands { AgreementCommands(runtime: runtime) }

    struct Me: ResponseEncodable {
        var student: StudentSnapshot
        var reviewStatus: String
        var canSign: Bool
        var notices: StudentStore.Notices
        var agreementID: String
    }

    struct NoticesRequest: Decodable { var signingNotice: Bool; var breachExplanation: Bool }

    struct DraftRequest: Decodable {
        var employerID: String
        var mobile: String
        var email: String
        var personalOpinion: String?
        var jobTitle: String?
        var workLocation: String?
        var remarks: String?
    }

    struct EmployerList: ResponseEncodable { var employers: [EmployerSnapshot] }

    func add(to router: Router<AppRequestContext>) {
        router.get("/v1/me") { request, _ -> Me in
            let student = try await self.student(request)
            return Me(student: student, reviewStatus: student.reviewStatus.rawValue, canSign: student.reviewStatus.permitsSigning,
                      notices: try await StudentStore.notices(student.studentID, pool: runtime.pool),
                      agreementID: AgreementID.forStudent(student.studentID).uuid.wire)
        }
        router.post("/v1/me/notices") { request, context -> StudentStore.Notices in
            let student = try await self.student(request)
            let body = try await request.decodeBody(as: NoticesRequest.self, context: context)
            try await StudentStore.acknowledge(student.studentID, signingNotice: body.signingNotice,
                                               breachExplanation: body.breachExplanation, pool: runtime.pool)
            return try await StudentStore.notices(student.studentID, pool: runtime.pool)
        }
        router.get("/v1/employers") { request, _ -> EmployerList in
            _ = try await self.student(request)
            let query = try request.query("q") ?? ""
            let limit = min(max(Int(try request.query("limit") ?? "") ?? 20, 1), 100)
            return EmployerList(employers: try await StudentStore.searchEmployers(query, limit: limit, pool: runtime.pool))
        }
        router.get("/v1/agreement") { request, _ -> AgreementView in
            let student = try await self.student(request)
            guard let agreement = try await AgreementProjection.load(AgreementID.forStudent(student.studentID), on: runtime.pool) else {
                throw APIError.notFound("尚未填写签约信息")
            }
            return try await AgreementView.load(agreement, runtime: runtime)
        }
        router.put("/v1/agreement/draft") { request, context -> Response in
            let student = try await self.student(request)
            let body = try await request.decodeBody(as: DraftRequest.self, context: context)
            try checked { () throws(AgreementRefusal) in
                try AgreementValidation.validate(identifier: body.employerID, field: "employerID", label: "签约单位")
            }
            guard let employer = try await StudentStore.selectableEmployer(body.employerID, pool: runtime.pool) else {
                throw APIError(.unprocessableContent, code: "employer_not_available", message: "所选单位不存在或尚未通过审核", field: "employerID")
            }
            let form = StudentForm(mobile: body.mobile, email: body.email, personalOpinion: body.personalOpinion ?? "同意",
                                   jobTitle: body.jobTitle, workLocation: body.workLocation, remarks: body.remarks)
            return try await self.execute(.saveDraft(student: student, employer: employer, form: form), student: student)
        }
        router.post("/v1/agreement/submit") { request, _ -> Response in
            let student = try await self.student(request)
            let notices = try await StudentStore.notices(student.studentID, pool: runtime.pool)
            return try await self.execute(.submit(noticesAcknowledged: notices.both, reviewStatus: student.reviewStatus), student: student)
        }
        router.post("/v1/agreement/confirm") { request, _ -> Response in
            let student = try await self.student(request)
            return try await self.execute(.studentConfirm, student: student)
        }
        router.post("/v1/agreement/print") { request, _ -> Response in
            let student = try await self.student(request)
            return try await self.execute(.printCopy, student: student)
        }
    }

    /// The caller, who must be a student on the roster.
    private func student(_ request: Request) async throws -> StudentSnapshot {
        let identity = try await runtime.tokens.authenticate(request, allowing: [.student])
        guard let student = try await StudentStore.student(identity.subject, pool: runtime.pool) else {
            throw APIError(.notFound, code: "student_not_found", message: "没有找到你的学籍信息，请联系学院老师")
        }
        return student
    }

    private func execute(_ command: AgreementCommand, student: StudentSnapshot) async throws -> Response {
        let result = try await commands.execute(command, on: AgreementID.forStudent(student.studentID),
                                                by: .student(studentID: student.studentID))
        return try await CommandResponse.from(result, runtime: runtime)
    }
}
