import AgreementContract
import AgreementDomain
@testable import CollegeService
import Foundation
import Hummingbird
import HummingbirdTesting
import ServiceKit
import ServiceTestSupport
import Testing

/// Every route of the college service, in the test process (`CollegeApplication.build`, the real database and
/// broker): the office's roster import, the counselors' reviews of their own college, approval, printing,
/// re-authorised printing and filing. Agreements arrive as the student and employer services publish them.
@Suite(.serialized) struct CollegeApplicationTests {
    static let header = "studentID,name,gender,collegeCode,collegeName,major,degree,graduationYear,reviewStatus\n"
    static let review = #"{"contactPerson": "李老师", "contactPhone": "010-62345678", "postalCode": "100084", "mailingAddress": "北京市海淀区学院路1号"}"#

    func withCollegeService(_ body: @escaping @Sendable (InProcessService) async throws -> Void) async throws {
        try await InProcessService.run("college", build: CollegeApplication.build, body)
    }

    /// An agreement of `student` with `employer` published up to 确认 (submitted, signed, confirmed).
    func publishConfirmed(_ service: InProcessService, _ student: StudentSnapshot, employer: EmployerSnapshot = Sample.employer()) async throws -> Agreement {
        let submitted = try await service.publishSubmission(of: student, to: employer)
        let signed = try await service.publishDecided(
            [.employerSign(section: EmployerSection(employer: employer, employerOpinion: "同意接收"))],
            by: .employer(employerID: employer.employerID), from: submitted, as: "employer")
        return try await service.publishDecided([.studentConfirm], by: .student(studentID: student.studentID), from: signed, as: "student")
    }

    @Test func whoMayCallWhat() async throws {
        try await withCollegeService { service in
            let student = try await service.token(.student, "2026100001")
            let employer = try await service.token(.employer, "E0100")
            let counselor = try await service.token(.counselor, "T01", college: "CS")
            let office = try await service.token(.employmentOffice, "JYC001")
            let id = AgreementID.forStudent("2026100001").uuid.wire
            let staffRoutes: [(HTTPRequest.Method, String)] = [
                (.get, "/v1/roster/2026100001"), (.get, "/v1/reviews"), (.get, "/v1/agreements/\(id)"),
                (.post, "/v1/agreements/\(id)/approve"), (.post, "/v1/agreements/\(id)/return"),
                (.post, "/v1/agreements/\(id)/print"), (.post, "/v1/agreements/\(id)/reprint"),
                (.post, "/v1/agreements/\(id)/file"), (.get, "/v1/filing?studentID=2026100001"),
            ]
            let officeOnly: [(HTTPRequest.Method, String)] = [(.post, "/v1/roster/import")]
            let counselorOnly: [(HTTPRequest.Method, String)] = [(.get, "/v1/reviews/prefill")]
            try await service.expectAccessRefused(staffRoutes + officeOnly + counselorOnly, forbidden: [student, employer])
            try await service.expectAccessRefused(officeOnly, anonymous: false, forbidden: [counselor])
            try await service.expectAccessRefused(counselorOnly, anonymous: false, forbidden: [office])
        }
    }

    @Test func theOfficeImportsTheRosterRowByRow() async throws {
        try await withCollegeService { service in
            let office = try await service.token(.employmentOffice, "JYC001")
            let cs = try await service.token(.counselor, "T01", college: "CS")
            let ee = try await service.token(.counselor, "T02", college: "EE")
            let csv = Self.header + """
                2026100001,张三,男,CS,计算机学院,软件工程,本科,2026,审核完成
                2026100002,李四,女,CS,计算机学院,软件工程,本科,2026,不存在的状态
                2026100003,王\u{0}五,男,CS,计算机学院,软件工程,本科,2026,审核完成
                """
            let imported = try await service.request(.post, "/v1/roster/import", token: office, json: csv, contentType: "text/csv; charset=utf-8")
            #expect(imported.status == .ok)
            let report = try Answer.json(imported)
            #expect(report["imported"] as? Int == 1)
            #expect(report["rejected"] as? Int == 2)
            let rows = try #require(report["rows"] as? [[String: Any]])
            #expect(rows.map { $0["outcome"] as? String } == ["imported", "rejected", "rejected"])
            #expect(rows.dropFirst().allSatisfy { !(($0["error"] as? String) ?? "").isEmpty })

            let asJSON = try await service.request(.post, "/v1/roster/import", token: office, json: csv)
            #expect(asJSON.status == .unsupportedMediaType)
            let noColumns = try await service.request(.post, "/v1/roster/import", token: office, json: "studentID,name\n1,a\n", contentType: "text/csv")
            #expect(noColumns.status == .unprocessableContent)
            #expect(try Answer.error(noColumns)["field"] as? String == "header")
            var latin1 = HTTPFields()
            latin1[.authorization] = "Bearer \(office)"
            latin1[.contentType] = "text/csv"
            let notUTF8 = try await service.client.execute(uri: "/v1/roster/import", method: .post, headers: latin1,
                                                           body: ByteBuffer(bytes: Array(Self.header.utf8) + [0xC0, 0x0A]))
            #expect(notUTF8.status == .badRequest)
            #expect(Answer.code(notUTF8) == "malformed_body")

            // The office and the student's own college see the record; another college does not.
            #expect(try await service.request(.get, "/v1/roster/2026100001", token: office).status == .ok)
            let own = try Answer.json(try await service.request(.get, "/v1/roster/2026100001", token: cs))
            #expect((own["student"] as? [String: Any])?["name"] as? String == "张三")
            #expect(try await service.request(.get, "/v1/roster/2026100001", token: ee).status == .notFound)
            #expect(try await service.request(.get, "/v1/roster/2026100002", token: office).status == .notFound, "a rejected row is not stored")
            let nul = try await service.request(.get, "/v1/roster/%00", token: office)
            #expect(nul.status == .unprocessableContent)
            #expect(try Answer.error(nul)["field"] as? String == "studentID")
        }
    }

    @Test func aCounselorApprovesPrintsAndFilesOnlyTheirCollegesAgreements() async throws {
        try await withCollegeService { service in
            let cs = try await service.token(.counselor, "T01", college: "CS")
            let ee = try await service.token(.counselor, "T02", college: "EE")
            let office = try await service.token(.employmentOffice, "JYC001")
            let confirmed = try await publishConfirmed(service, Sample.student("2026100001"))
            let toReturn = try await publishConfirmed(service, Sample.student("2026100002"))
            let id = confirmed.id.uuid.wire

            for agreement in [id, toReturn.id.uuid.wire] {
                let shown = try await service.eventually({ try await service.request(.get, "/v1/agreements/\(agreement)", token: cs) },
                                                         until: { (try? Answer.json($0)["status"] as? String) == "confirmed" })
                #expect(try Answer.json(shown)["status"] as? String == "confirmed", "all three events applied")
            }
            let pending = try Answer.json(try await service.request(.get, "/v1/reviews", token: cs))
            #expect(Set((pending["agreements"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []) == [id, toReturn.id.uuid.wire])
            let otherCollege = try Answer.json(try await service.request(.get, "/v1/reviews?view=all", token: ee))
            #expect((otherCollege["agreements"] as? [Any])?.isEmpty == true)
            #expect(try await service.request(.get, "/v1/agreements/\(id)", token: ee).status == .notFound)
            #expect(try await service.request(.post, "/v1/agreements/\(id)/approve", token: ee, json: Self.review).status == .notFound)
            let badView = try await service.request(.get, "/v1/reviews?view=later", token: cs)
            #expect(badView.status == .unprocessableContent)
            #expect(try Answer.error(badView)["field"] as? String == "view")
            #expect(try Answer.json(try await service.request(.get, "/v1/reviews/prefill", token: cs))["review"] == nil, "nothing to prefill yet")

            // Not printed before approval; a review without a contact person is refused.
            let early = try await service.request(.post, "/v1/agreements/\(id)/print", token: cs)
            #expect(early.status == .conflict)
            #expect(Answer.code(early) == "invalid_state")
            let noContact = try await service.request(.post, "/v1/agreements/\(id)/approve", token: cs,
                                                      json: Self.review.replacingOccurrences(of: "李老师", with: ""))
            #expect(noContact.status == .unprocessableContent)
            #expect(try Answer.error(noContact)["field"] as? String == "contactPerson")

            let approved = try await service.request(.post, "/v1/agreements/\(id)/approve", token: cs, json: Self.review)
            #expect(approved.status == .ok)
            let agreement = try #require(try Answer.json(approved)["agreement"] as? [String: Any])
            #expect(agreement["status"] as? String == "approved")
            #expect((agreement["agreementNumber"] as? String)?.isEmpty == false, "the agreement number is assigned on approval")
            let prefill = try Answer.json(try await service.request(.get, "/v1/reviews/prefill", token: cs))
            #expect((prefill["review"] as? [String: Any])?["contactPerson"] as? String == "李老师")

            // 退回 of a confirmed agreement needs a reason.
            let noReason = try await service.request(.post, "/v1/agreements/\(toReturn.id.uuid.wire)/return", token: cs, json: #"{"reason": ""}"#)
            #expect(noReason.status == .unprocessableContent)
            let returned = try await service.request(.post, "/v1/agreements/\(toReturn.id.uuid.wire)/return", token: cs, json: #"{"reason": "单位名称有误"}"#)
            #expect(returned.status == .ok)
            #expect((try Answer.json(returned)["agreement"] as? [String: Any])?["status"] as? String == "returned")

            // Three copies, then 不可多打 until the college authorises more; filed after printing.
            for copy in 1...3 {
                let printed = try await service.request(.post, "/v1/agreements/\(id)/print", token: cs)
                #expect(printed.status == .ok, "copy \(copy)")
                #expect((try Answer.json(printed)["agreement"] as? [String: Any])?["copiesPrinted"] as? Int == copy)
            }
            let fourth = try await service.request(.post, "/v1/agreements/\(id)/print", token: cs)
            #expect(fourth.status == .conflict)
            #expect(Answer.code(fourth) == "copy_limit_reached")
            let tooMany = try await service.request(.post, "/v1/agreements/\(id)/reprint", token: cs, json: #"{"extraCopies": 9, "reason": "遗失"}"#)
            #expect(tooMany.status == .unprocessableContent)
            #expect(try Answer.error(tooMany)["field"] as? String == "extraCopies")
            let reprint = try await service.request(.post, "/v1/agreements/\(id)/reprint", token: office, json: #"{"extraCopies": 1, "reason": "遗失"}"#)
            #expect(reprint.status == .ok)
            #expect(try await service.request(.post, "/v1/agreements/\(id)/print", token: cs).status == .ok)

            #expect(try await service.request(.get, "/v1/filing", token: cs).status == .unprocessableContent)
            let nul = try await service.request(.get, "/v1/filing?studentID=%00", token: cs)
            #expect(nul.status == .unprocessableContent)
            let filed = try await service.request(.post, "/v1/agreements/\(id)/file", token: cs)
            #expect(filed.status == .ok)
            #expect((try Answer.json(filed)["agreement"] as? [String: Any])?["status"] as? String == "filed")
            let found = try Answer.json(try await service.request(.get, "/v1/filing?studentID=2026100001", token: cs))
            #expect((found["agreements"] as? [[String: Any]])?.map { $0["id"] as? String } == [id])
            let byNumber = try Answer.json(try await service.request(
                .get, "/v1/filing?agreementNumber=\(agreement["agreementNumber"] as? String ?? "")", token: office))
            #expect((byNumber["agreements"] as? [[String: Any]])?.map { $0["id"] as? String } == [id])
            #expect(try Answer.json(try await service.request(.get, "/v1/filing?studentID=2026100001", token: ee))["agreements"]
                .flatMap { $0 as? [Any] }?.isEmpty == true)
        }
    }

    @Test func theCommonRoutes() async throws {
        try await withCollegeService { service in try await service.checkCommonRoutes("college", ownPath: "/v1/roster/import",
                                          commander: try await service.token(.counselor, "T01", college: "CS"),
                                          outsider: try await service.token(.student, "2026100001")) }
    }
}
