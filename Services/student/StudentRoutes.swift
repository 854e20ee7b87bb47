import AgreementDomain
import Foundation
import Hummingbird
import ServiceKit

/// 用户中心 → 我的签约. Every route is the calling student's own: the student ID comes from the token only.
struct StudentRoutes: Sendable {
    let tokens: TokenAuthority
    let actions: StudentActions
    var agreements: any AgreementReading { actions.agreements }

    struct Me: Codable, ResponseEncodable {
        var student: StudentSnapshot
        var reviewStatus: SourceReviewStatus
        var canSign: Bool
        var notices: StudentStore.Notices
        var agreementID: String
    }

    struct NoticesRequest: Decodable { var signingNotice: Bool; var breachExplanation: Bool }
    struct EmployerList: Codable, ResponseEncodable { var employers: [EmployerSnapshot] }

    func add(to router: Router<AppRequestContext>) {
        router.get("/v1/me") { request, _ -> Me in
            let student = try await self.student(request)
            return Me(student: student, reviewStatus: student.reviewStatus, canSign: student.reviewStatus.permitsSigning,
                      notices: try await actions.notices(of: student),
                      agreementID: AgreementID.forStudent(student.studentID).uuid.wire)
        }
        router.post("/v1/me/notices") { request, context -> StudentStore.Notices in
            let student = try await self.student(request)
            let body = try await request.decodeBody(as: NoticesRequest.self, context: context)
            try await actions.acknowledge(student, signingNotice: body.signingNotice, breachExplanation: body.breachExplanation)
            return try await actions.notices(of: student)
        }
        router.get("/v1/employers") { request, _ -> EmployerList in
            _ = try await self.student(request)
            let limit = Int(try request.query("limit") ?? "") ?? 20
            return EmployerList(employers: try await actions.searchEmployers(try request.query("q") ?? "", limit: limit))
        }
        router.get("/v1/agreement") { request, _ -> AgreementView in
            let student = try await self.student(request)
            guard let agreement = try await actions.agreement(of: student) else {
                throw APIError.notFound("尚未填写签约信息")
            }
            return try await agreements.view(of: agreement)
        }
        router.put("/v1/agreement/draft") { request, context -> Response in
            let student = try await self.student(request)
            let body = try await request.decodeBody(as: StudentActions.Draft.self, context: context)
            return try await self.respond(try await actions.saveDraft(body, by: student))
        }
        router.post("/v1/agreement/submit") { request, _ -> Response in
            try await self.respond(try await actions.submit(by: try await self.student(request)))
        }
        router.post("/v1/agreement/confirm") { request, _ -> Response in
            try await self.respond(try await actions.confirm(by: try await self.student(request)))
        }
        router.post("/v1/agreement/print") { request, _ -> Response in
            try await self.respond(try await actions.printCopy(by: try await self.student(request)))
        }
    }

    /// The caller, who must be a student on the roster.
    private func student(_ request: Request) async throws -> StudentSnapshot {
        try await actions.student(try await tokens.authenticate(request, allowing: [.student]))
    }

    private func respond(_ result: CommandResult) async throws -> Response {
        try await CommandResponse.from(result, views: agreements)
    }
}
