import AgreementDomain
import Foundation
@testable import CollegeService
import Hummingbird
import HummingbirdTesting
import ServiceKit
import ServiceTestSupport
import Testing

/// The college portal's pages in process, through `CollegeApplication.build`: 网上签约审核 with 通过 from the
/// form, printing a copy and its public verification page, and 网上签约备案's search (the browser suite clicks
/// the same pages in Chromium).
extension CollegeApplicationTests {
    @Test func aCounselorApprovesPrintsAndFindsAnAgreementThroughThePortal() async throws {
        try await withCollegeService { service in
            let cs = try await service.token(.counselor, "T01", college: "CS")
            let confirmed = try await publishConfirmed(service, Sample.student("2026100001"))
            let id = confirmed.id.uuid.wire
            _ = try await service.eventually({ try await service.request(.get, "/v1/agreements/\(id)", token: cs) },
                                             until: { (try? Answer.json($0)["status"] as? String) == "confirmed" })

            var counselor = PortalBrowser(service, portal: "college", session: cs)
            let reviews = try await counselor.get("/reviews")
            #expect(reviews.status == .ok)
            #expect(reviews.text.contains("网上签约审核"))
            #expect(reviews.text.contains("王五"))
            var otherCollege = PortalBrowser(service, portal: "college", session: try await service.token(.counselor, "T02", college: "EE"))
            #expect(!(try await otherCollege.get("/reviews")).text.contains("王五"), "another college's counselor does not see it")
            #expect(try await otherCollege.get("/agreements/\(id)").status == .notFound)
            var student = PortalBrowser(service, portal: "college", session: try await service.token(.student, "2026100001"))
            #expect(try await student.get("/reviews").status == .forbidden)

            let page = try await counselor.get("/agreements/\(id)")
            #expect(page.status == .ok)
            #expect(page.text.contains("查看/处理：王五"))
            let badPhone = try await counselor.post("/agreements/\(id)/approve", [
                "contactPerson": "李老师", "contactPhone": "123", "postalCode": "100871", "mailingAddress": "北京市海淀区颐和园路5号"])
            #expect(badPhone.status == .unprocessableContent)
            #expect(badPhone.text.contains("联系电话格式不正确"))
            #expect(try Answer.json(try await service.request(.get, "/v1/agreements/\(id)", token: cs))["status"] as? String == "confirmed")
            let approved = try await counselor.post("/agreements/\(id)/approve", [
                "contactPerson": "李老师", "contactPhone": "010-62751234", "postalCode": "100871", "mailingAddress": "北京市海淀区颐和园路5号"])
            #expect(approved.status == .found)
            #expect(approved.headers[.location] == "/college/agreements/\(id)?done=approved")

            let printed = try await counselor.post("/agreements/\(id)/print", [:])
            #expect(printed.status == .found)
            #expect(printed.headers[.location] == "/college/agreements/\(id)/print/copy/1")
            let copy = try await counselor.get("/agreements/\(id)/print/copy/1")
            #expect(copy.status == .ok)
            #expect(copy.text.contains("第 1 份"))
            let code = try #require(copy.text.firstMatch(of: /\/college\/verify\/([A-Za-z0-9_-]+)/)?.1, "the copy carries its verification address")
            var anyone = PortalBrowser(service, portal: "college", session: nil)
            let verified = try await anyone.get("/verify/\(code)")
            #expect(verified.status == .ok)
            #expect(verified.text.contains("有效（学院审核通过）"))
            #expect(!verified.text.contains("王五"), "the public page masks the student's name")
            #expect(try await anyone.get("/verify/not-a-code").status == .notFound)
            #expect(try await counselor.get("/agreements/\(id)/print/copy/2").status == .notFound, "copy 2 is not recorded yet")

            let filing = try await counselor.get("/filing?studentID=2026100001")
            #expect(filing.status == .ok)
            #expect(filing.text.contains("王五"))
            let nothing = try await counselor.get("/filing?studentID=2026100999")
            #expect(!nothing.text.contains("王五"))
        }
    }
}
