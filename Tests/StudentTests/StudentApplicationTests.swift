import AgreementContract
import AgreementDomain
import Foundation
import Hummingbird
import HummingbirdTesting
import ServiceKit
import ServiceTestSupport
@testable import StudentService
import Testing

/// Every route of the student service, in the test process (`StudentService.build`, the real database and broker):
/// who may call it, what bad input answers, and the commands' answers once the service's own consumer applied
/// them. The roster and the registry arrive as the college and employer services publish them: signed records on
/// their topics.
@Suite(.serialized) struct StudentApplicationTests {
    static let routes: [(HTTPRequest.Method, String)] = [
        (.get, "/v1/me"), (.post, "/v1/me/notices"), (.get, "/v1/employers"), (.get, "/v1/agreement"),
        (.put, "/v1/agreement/draft"), (.post, "/v1/agreement/submit"), (.post, "/v1/agreement/confirm"),
        (.post, "/v1/agreement/print"),
    ]

    func withStudentService(_ body: @escaping @Sendable (InProcessService) async throws -> Void) async throws {
        try await InProcessService.run("student", build: StudentService.build, body)
    }

    static let draft = #"{"employerID": "E0100", "mobile": "13800138000", "email": "wangwu@example.edu.cn"}"#

    /// The roster record of `student` and an approved employer, published by their services; returns the student's
    /// token once the student service knows both.
    @discardableResult
    func publishReferenceData(_ service: InProcessService, student: StudentSnapshot, employer: EmployerSnapshot = Sample.employer()) async throws -> String {
        try await service.publish(.roster(.studentRecordPublished(StudentRecordPublished(student: student, at: Date()))), as: "college")
        try await service.publish(.registry(.employerRegistered(EmployerRegistered(employer: employer, at: Date()))), as: "employer")
        try await service.publish(.registry(.employerApproved(EmployerApproved(employerID: employer.employerID, approvedBy: "JYC001", at: Date()))), as: "employer")
        let token = try await service.token(.student, student.studentID)
        let me = try await service.eventually(.ok) { try await service.request(.get, "/v1/me", token: token) }
        #expect(me.status == .ok, "the roster record reached the student service")
        var selectable = false
        for _ in 0..<200 where !selectable {
            let reply = try await service.request(.get, "/v1/employers?q=\(employer.creditCode)", token: token)
            selectable = ((try? Answer.json(reply)["employers"] as? [[String: Any]]) ?? []).contains { $0["employerID"] as? String == employer.employerID }
            if !selectable { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(selectable, "the approved employer is selectable")
        return token
    }

    @Test func everyRouteIsTheRosterStudentsOwn() async throws {
        try await withStudentService { service in
            let employer = try await service.token(.employer, "E0100")
            let unknown = try await service.token(.student, "2099999999")
            try await service.expectAccessRefused(Self.routes, forbidden: [employer])
            for (method, uri) in Self.routes {
                // A student the roster does not list (the body is not read before the caller is known).
                let stranger = try await service.request(method, uri, token: unknown, json: "{}")
                #expect(stranger.status == .notFound, "\(uri)")
                #expect(Answer.code(stranger) == "student_not_found", "\(uri)")
            }
            let garbage = try await service.request(.get, "/v1/me", token: "not-a-token")
            #expect(garbage.status == .unauthorized)
        }
    }

    @Test func aStudentFillsInSubmitsAndIsRefusedWhatTheManualForbids() async throws {
        try await withStudentService { service in
            let student = Sample.student("2026100001")
            let token = try await publishReferenceData(service, student: student)

            let me = try Answer.json(try await service.request(.get, "/v1/me", token: token))
            #expect(me["canSign"] as? Bool == true)
            #expect(me["agreementID"] as? String == AgreementID.forStudent(student.studentID).uuid.wire)
            let none = try await service.request(.get, "/v1/agreement", token: token)
            #expect(none.status == .notFound)

            // Bad input changes nothing and says which field.
            let draft = Self.draft
            let unknownEmployer = try await service.request(.put, "/v1/agreement/draft", token: token,
                json: #"{"employerID": "E9999", "mobile": "13800138000", "email": "wangwu@example.edu.cn"}"#)
            #expect(unknownEmployer.status == .unprocessableContent)
            #expect(try Answer.error(unknownEmployer)["field"] as? String == "employerID")
            let nul = try await service.request(.put, "/v1/agreement/draft", token: token,
                json: #"{"employerID": "E0100", "mobile": "13800138000", "email": "wangwu@example.edu.cn", "personalOpinion": "同意\u0000"}"#)
            #expect(nul.status == .unprocessableContent)
            #expect(try Answer.error(nul)["field"] as? String == "personalOpinion")
            let malformed = try await service.request(.put, "/v1/agreement/draft", token: token, json: "{")
            #expect(malformed.status == .badRequest)
            let text = try await service.request(.put, "/v1/agreement/draft", token: token, json: draft, contentType: "text/plain")
            #expect(text.status == .unsupportedMediaType)
            #expect(try await service.request(.get, "/v1/agreement", token: token).status == .notFound, "nothing was saved")

            // Saved, but not submitted before 签约须知 and 违约说明 are read.
            let saved = try await service.request(.put, "/v1/agreement/draft", token: token, json: draft)
            #expect(saved.status == .ok)
            let savedBody = try Answer.json(saved)
            #expect(savedBody["outcome"] as? String == "applied")
            #expect((savedBody["agreement"] as? [String: Any])?["status"] as? String == "draft")
            let early = try await service.request(.post, "/v1/agreement/submit", token: token)
            #expect(early.status == .conflict)
            #expect(Answer.code(early) == "notices_not_acknowledged")
            let partly = try await service.request(.post, "/v1/me/notices", token: token, json: #"{"signingNotice": "yes"}"#)
            #expect(partly.status == .badRequest)
            let read = try await service.request(.post, "/v1/me/notices", token: token, json: #"{"signingNotice": true, "breachExplanation": true}"#)
            #expect(read.status == .ok)

            // Nothing to confirm or print before the employer signed and the college approved.
            for uri in ["/v1/agreement/confirm", "/v1/agreement/print"] {
                let refused = try await service.request(.post, uri, token: token)
                #expect(refused.status == .conflict, "\(uri)")
                #expect(Answer.code(refused) == "invalid_state", "\(uri)")
                #expect(try Answer.error(refused)["status"] as? String == "draft", "\(uri)")
            }

            let submitted = try await service.request(.post, "/v1/agreement/submit", token: token)
            #expect(submitted.status == .ok)
            let submittedBody = try Answer.json(submitted)
            #expect((submittedBody["agreement"] as? [String: Any])?["status"] as? String == "submitted")
            let commandID = try #require(submittedBody["commandId"] as? String)
            let command = try await service.request(.get, "/v1/commands/\(commandID)", token: token)
            #expect(command.status == .ok)
            #expect(try Answer.json(command)["outcome"] as? String == "applied")
            let foreign = try await service.request(.get, "/v1/commands/\(UUID().uuidString.lowercased())", token: token)
            #expect(foreign.status == .notFound)
            // Submitted: the draft can no longer be saved, nor submitted twice.
            let resave = try await service.request(.put, "/v1/agreement/draft", token: token, json: draft)
            #expect(resave.status == .conflict)
            #expect(Answer.code(resave) == "invalid_state")
            let again = try await service.request(.post, "/v1/agreement/submit", token: token)
            #expect(again.status == .ok)
            #expect(try Answer.json(again)["outcome"] as? String == "unchanged", "submitting twice changes nothing")
            let shown = try Answer.json(try await service.request(.get, "/v1/agreement", token: token))
            #expect(shown["status"] as? String == "submitted")
        }
    }

    @Test func aReviewStatusThatForbidsSigningStopsTheSubmission() async throws {
        try await withStudentService { service in
            let student = Sample.student("2026100002", review: .awaitingCollege)
            let token = try await publishReferenceData(service, student: student)
            #expect(try Answer.json(try await service.request(.get, "/v1/me", token: token))["canSign"] as? Bool == false)
            _ = try await service.request(.post, "/v1/me/notices", token: token, json: #"{"signingNotice": true, "breachExplanation": true}"#)
            let saved = try await service.request(.put, "/v1/agreement/draft", token: token, json: Self.draft)
            #expect(saved.status == .ok)
            let refused = try await service.request(.post, "/v1/agreement/submit", token: token)
            #expect(refused.status == .conflict)
            #expect(Answer.code(refused) == "review_status_blocks_signing")
        }
    }

    @Test func theEmployerSearchIsBoundedAndValidated() async throws {
        try await withStudentService { service in
            let student = Sample.student("2026100003")
            let token = try await publishReferenceData(service, student: student)
            let byName = try Answer.json(try await service.request(.get, "/v1/employers?q=%E5%8C%97%E4%BA%AC", token: token))
            #expect((byName["employers"] as? [[String: Any]])?.map { $0["employerID"] as? String } == ["E0100"])
            let nul = try await service.request(.get, "/v1/employers?q=%00", token: token)
            #expect(nul.status == .unprocessableContent)
            #expect(try Answer.error(nul)["field"] as? String == "q")
            let nobody = try Answer.json(try await service.request(.get, "/v1/employers?q=%E4%B8%8D%E5%AD%98%E5%9C%A8", token: token))
            #expect((nobody["employers"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func theCommonRoutes() async throws {
        try await withStudentService { service in try await service.checkCommonRoutes("student", ownPath: "/v1/agreement/submit",
                                          commander: try await service.token(.student, "2026100001"),
                                          outsider: try await service.token(.employmentOffice, "JYC001")) }
    }
}
