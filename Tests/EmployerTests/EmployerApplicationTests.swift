import AgreementContract
import AgreementDomain
import Foundation
@testable import EmployerService
import Hummingbird
import HummingbirdTesting
import ServiceKit
import ServiceTestSupport
import Testing

/// Every route of the employer service, in the test process (`EmployerApplication.build`, the real database and
/// broker): registration and its approval by the office, and the employer's agreements, which arrive as the
/// student service publishes them (signed records decided by the domain's decider).
@Suite(.serialized) struct EmployerApplicationTests {
    static let registration = """
        {"name": "北京某科技有限公司", "creditCode": "9111010829141777X4", "type": "民营企业", "industry": "软件和信息技术服务业",
         "location": "北京市海淀区", "contactPerson": "赵经理", "contactPhone": "010-82345678",
         "address": "北京市海淀区中关村大街1号", "postalCode": "100080"}
        """

    func withEmployerService(_ body: @escaping @Sendable (InProcessService) async throws -> Void) async throws {
        try await InProcessService.run("employer", build: EmployerApplication.build, body)
    }

    @Test func whoMayCallWhat() async throws {
        try await withEmployerService { service in
            let student = try await service.token(.student, "2026100001")
            let employer = try await service.token(.employer, "E0100")
            let id = AgreementID.forStudent("2026100001").uuid.wire
            let employerRoutes: [(HTTPRequest.Method, String)] = [
                (.post, "/v1/employers/registration"), (.get, "/v1/employers/me"), (.get, "/v1/agreements/pending-count"),
                (.get, "/v1/agreements"), (.get, "/v1/agreements/\(id)"), (.post, "/v1/agreements/\(id)/sign"),
                (.post, "/v1/agreements/\(id)/return"), (.post, "/v1/agreements/\(id)/take-back"),
                (.post, "/v1/agreements/batch-sign"),
            ]
            let officeRoutes: [(HTTPRequest.Method, String)] = [(.get, "/v1/employers"), (.post, "/v1/employers/E0100/approve")]
            try await service.expectAccessRefused(employerRoutes + officeRoutes, forbidden: [student])
            try await service.expectAccessRefused(officeRoutes, anonymous: false, forbidden: [employer])
        }
    }

    @Test func anEmployerRegistersAndTheOfficeApproves() async throws {
        try await withEmployerService { service in
            let employer = try await service.token(.employer, "E0100")
            let office = try await service.token(.employmentOffice, "JYC001")
            #expect(try await service.request(.get, "/v1/employers/me", token: employer).status == .notFound)

            let missing = try await service.request(.post, "/v1/employers/registration", token: employer, json: #"{"name": "某公司"}"#)
            #expect(missing.status == .unprocessableContent)
            #expect(try Answer.error(missing)["field"] as? String == "creditCode", "the first missing field is named")
            let badCode = try await service.request(.post, "/v1/employers/registration", token: employer,
                json: Self.registration.replacingOccurrences(of: "9111010829141777X4", with: "123"))
            #expect(badCode.status == .unprocessableContent)
            #expect(try Answer.error(badCode)["field"] as? String == "creditCode")
            let nul = try await service.request(.post, "/v1/employers/registration", token: employer,
                json: Self.registration.replacingOccurrences(of: "赵经理", with: #"赵\u0000经理"#))
            #expect(nul.status == .unprocessableContent)
            #expect(try Answer.error(nul)["field"] as? String == "contactPerson")
            #expect(try await service.request(.get, "/v1/employers/me", token: employer).status == .notFound, "nothing was registered")

            let registered = try await service.request(.post, "/v1/employers/registration", token: employer, json: Self.registration)
            #expect(registered.status == .ok)
            #expect(try Answer.json(registered)["status"] as? String == "pending")
            let me = try Answer.json(try await service.request(.get, "/v1/employers/me", token: employer))
            #expect(me["employerID"] as? String == "E0100")

            let pending = try Answer.json(try await service.request(.get, "/v1/employers?status=pending", token: office))
            #expect((pending["employers"] as? [[String: Any]])?.map { $0["employerID"] as? String } == ["E0100"])
            let badStatus = try await service.request(.get, "/v1/employers?status=maybe", token: office)
            #expect(badStatus.status == .unprocessableContent)
            #expect(try Answer.error(badStatus)["field"] as? String == "status")
            let unknown = try await service.request(.post, "/v1/employers/E0999/approve", token: office)
            #expect(unknown.status == .notFound)
            let badID = try await service.request(.post, "/v1/employers/E%00/approve", token: office)
            #expect(badID.status == .unprocessableContent)

            let approved = try await service.request(.post, "/v1/employers/E0100/approve", token: office)
            #expect(approved.status == .ok)
            #expect(try Answer.json(approved)["status"] as? String == "approved")
            let twice = try await service.request(.post, "/v1/employers/E0100/approve", token: office)
            #expect(twice.status == .ok, "approval is idempotent")
            let approvedList = try Answer.json(try await service.request(.get, "/v1/employers?status=approved", token: office))
            #expect((approvedList["employers"] as? [Any])?.count == 1)
        }
    }

    @Test func anEmployerSeesSignsAndIsRefusedWhatItMayNot() async throws {
        try await withEmployerService { service in
            let employer = Sample.employer("E0100")
            let token = try await service.token(.employer, "E0100")
            let otherToken = try await service.token(.employer, "E0200")
            let submitted = try await service.publishSubmission(of: Sample.student("2026100001"), to: employer)
            let draftOnly = try await service.publishSubmission(of: Sample.student("2026100002"), to: employer, submit: false)
            let id = submitted.id.uuid.wire

            let shown = try await service.eventually(.ok) { try await service.request(.get, "/v1/agreements/\(id)", token: token) }
            #expect(shown.status == .ok)
            #expect(try Answer.json(shown)["status"] as? String == "submitted")
            let count = try Answer.json(try await service.request(.get, "/v1/agreements/pending-count", token: token))
            #expect(count["unhandled"] as? Int == 1)
            // The draft has reached the employer service's projection (the office sees it there), yet not the employer.
            let office = try await service.token(.employmentOffice, "JYC001")
            let projected = try await service.eventually(.ok) {
                try await service.request(.get, "/v1/projection/agreements/\(draftOnly.id.uuid.wire)", token: office)
            }
            #expect(projected.status == .ok)
            #expect(try await service.request(.get, "/v1/agreements/\(draftOnly.id.uuid.wire)", token: token).status == .notFound)
            let listed = try Answer.json(try await service.request(.get, "/v1/agreements?view=all", token: token))
            #expect((listed["agreements"] as? [[String: Any]])?.map { $0["id"] as? String } == [id], "the draft is the student's alone")
            let badView = try await service.request(.get, "/v1/agreements?view=everything", token: token)
            #expect(badView.status == .unprocessableContent)
            #expect(try Answer.error(badView)["field"] as? String == "view")

            // Another employer sees nothing of it; a malformed id is not found.
            for uri in ["/v1/agreements/\(id)", "/v1/agreements/not-a-uuid"] {
                let refused = try await service.request(.get, uri, token: otherToken)
                #expect(refused.status == .notFound, "\(uri)")
                #expect(Answer.code(refused) == "not_found", "\(uri)")
            }
            let foreignSign = try await service.request(.post, "/v1/agreements/\(id)/sign", token: otherToken, json: #"{"employerOpinion": "同意"}"#)
            #expect(foreignSign.status == .notFound)

            // Not submitted back for something that is not signed; an empty reason is refused.
            let takeBack = try await service.request(.post, "/v1/agreements/\(id)/take-back", token: token, json: #"{"reason": "岗位调整"}"#)
            #expect(takeBack.status == .conflict)
            #expect(Answer.code(takeBack) == "invalid_state")
            let noReason = try await service.request(.post, "/v1/agreements/\(id)/return", token: token, json: #"{"reason": ""}"#)
            #expect(noReason.status == .unprocessableContent)
            #expect(try Answer.error(noReason)["field"] as? String == "reason")
            let batchEmpty = try await service.request(.post, "/v1/agreements/batch-sign", token: token,
                                                       json: #"{"agreementIDs": [], "employerOpinion": "同意"}"#)
            #expect(batchEmpty.status == .unprocessableContent)
            #expect(try Answer.error(batchEmpty)["field"] as? String == "agreementIDs")

            let signed = try await service.request(.post, "/v1/agreements/\(id)/sign", token: token, json: #"{"employerOpinion": "同意接收"}"#)
            #expect(signed.status == .ok)
            #expect((try Answer.json(signed)["agreement"] as? [String: Any])?["status"] as? String == "employerSigned")
            let again = try await service.request(.post, "/v1/agreements/\(id)/sign", token: token, json: #"{"employerOpinion": "同意接收"}"#)
            #expect(again.status == .ok)
            #expect(try Answer.json(again)["outcome"] as? String == "unchanged", "signing twice changes nothing")
            // Batch signing reports each item.
            let batch = try Answer.json(try await service.request(.post, "/v1/agreements/batch-sign", token: token,
                json: #"{"agreementIDs": ["\#(id)", "\#(UUID().uuidString.lowercased())"], "employerOpinion": "同意"}"#))
            #expect(batch["applied"] as? Int == 0)
            #expect(batch["failed"] as? Int == 2)
            let items = try #require(batch["results"] as? [[String: Any]])
            #expect(items.map { $0["outcome"] as? String } == ["refused", "refused"])
            #expect(items.map { ($0["error"] as? [String: Any])?["code"] as? String } == ["invalid_state", "not_found"])
            let takenBack = try await service.request(.post, "/v1/agreements/\(id)/take-back", token: token, json: #"{"reason": "岗位调整"}"#)
            #expect(takenBack.status == .ok)
            #expect((try Answer.json(takenBack)["agreement"] as? [String: Any])?["status"] as? String == "submitted")
        }
    }

    @Test func theCommonRoutes() async throws {
        try await withEmployerService { service in try await service.checkCommonRoutes("employer", ownPath: "/v1/agreements/batch-sign",
                                          commander: try await service.token(.employer, "E0100"),
                                          outsider: try await service.token(.student, "2026100001")) }
    }
}
