import AgreementDomain
import Foundation
import Hummingbird
import ServiceKit

/// 网上签约审核 and 网上签约备案. A counselor sees and handles only its own college's agreements; the
/// employment office sees all.
struct CollegeRoutes: Sendable {
    let tokens: TokenAuthority
    let actions: CollegeActions
    var agreements: any AgreementReading { actions.agreements }
    static let staff: Set<Role> = [.counselor, .employmentOffice]

    struct ReviewRequest: Decodable { var contactPerson: String; var contactPhone: String; var postalCode: String; var mailingAddress: String }
    struct ReprintRequest: Decodable { var extraCopies: Int; var reason: String }
    struct Prefill: Codable, ResponseEncodable { var review: CollegeReview? }
    struct RosterRecord: Codable, ResponseEncodable { var student: StudentSnapshot }

    func add(to router: Router<AppRequestContext>) {
        router.post("/v1/roster/import") { request, context -> CollegeActions.ImportReport in
            _ = try await tokens.authenticate(request, allowing: [.employmentOffice])
            try request.requireContentType(["text/csv", "text/plain"])
            let body = try await request.body.collect(upTo: context.maxUploadSize)
            return try await actions.importRoster(try CollegeActions.csvText(body.readableBytesView))
        }
        router.get("/v1/roster/:studentID") { request, context -> RosterRecord in
            let identity = try await tokens.authenticate(request, allowing: Self.staff)
            guard let student = try await actions.records.rosterRecord(try context.parameters.identifier("studentID", label: "学号")),
                  identity.role == .employmentOffice || identity.collegeCode == student.collegeCode else {
                throw APIError.notFound("没有找到该学生")
            }
            return RosterRecord(student: student)
        }
        router.get("/v1/reviews") { request, _ -> AgreementList in
            let identity = try await tokens.authenticate(request, allowing: Self.staff)
            guard let view = CollegeActions.View(rawValue: try request.query("view") ?? "pending") else {
                throw APIError.validation("view 只能是 pending、approved 或 all", field: "view")
            }
            return AgreementList(agreements: try await actions.reviews(view, query: try request.query("q"), for: identity))
        }
        router.get("/v1/reviews/prefill") { request, _ -> Prefill in
            let identity = try await tokens.authenticate(request, allowing: [.counselor])
            return Prefill(review: try await actions.prefill(for: identity))
        }
        router.get("/v1/agreements/:id") { request, context -> AgreementView in
            let identity = try await tokens.authenticate(request, allowing: Self.staff)
            return try await agreements.view(of: try await self.visible(context, identity))
        }
        router.post("/v1/agreements/:id/approve") { request, context -> Response in
            let identity = try await tokens.authenticate(request, allowing: Self.staff)
            let agreement = try await self.visible(context, identity)
            let body = try await request.decodeBody(as: ReviewRequest.self, context: context)
            let review = CollegeReview(contactPerson: body.contactPerson, contactPhone: body.contactPhone,
                                       postalCode: body.postalCode, mailingAddress: body.mailingAddress)
            return try await self.respond(try await actions.approve(agreement, review: review, by: identity))
        }
        router.post("/v1/agreements/:id/return") { request, context -> Response in
            let identity = try await tokens.authenticate(request, allowing: Self.staff)
            let agreement = try await self.visible(context, identity)
            let body = try await request.decodeBody(as: ReasonRequest.self, context: context)
            return try await self.respond(try await actions.giveBack(agreement, reason: body.reason, by: identity))
        }
        router.post("/v1/agreements/:id/print") { request, context -> Response in
            let identity = try await tokens.authenticate(request, allowing: Self.staff)
            return try await self.respond(try await actions.printCopy(try await self.visible(context, identity), by: identity))
        }
        router.post("/v1/agreements/:id/reprint") { request, context -> Response in
            let identity = try await tokens.authenticate(request, allowing: Self.staff)
            let agreement = try await self.visible(context, identity)
            let body = try await request.decodeBody(as: ReprintRequest.self, context: context)
            return try await self.respond(try await actions.authoriseReprint(agreement.id, extraCopies: body.extraCopies, reason: body.reason, by: identity))
        }
        router.post("/v1/agreements/:id/file") { request, context -> Response in
            let identity = try await tokens.authenticate(request, allowing: Self.staff)
            return try await self.respond(try await actions.file(try await self.visible(context, identity), by: identity))
        }
        router.get("/v1/filing") { request, _ -> AgreementList in
            let identity = try await tokens.authenticate(request, allowing: Self.staff)
            return AgreementList(agreements: try await actions.filing(
                studentID: try request.query("studentID"), agreementNumber: try request.query("agreementNumber"), for: identity))
        }
    }

    /// The agreement in the path if the caller may see it; anything else is "not found".
    private func visible(_ context: AppRequestContext, _ identity: Identity) async throws -> Agreement {
        try await actions.visible(context.parameters.get("id"), to: identity)
    }

    private func respond(_ result: CommandResult) async throws -> Response {
        try await CommandResponse.from(result, views: agreements)
    }
}
