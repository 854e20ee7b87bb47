import AgreementDomain
import Foundation
@testable import EmployerService
import Hummingbird
import HummingbirdTesting
import ServiceKit
import ServiceTestSupport
import Testing

/// The employer portal's pages in process, through `EmployerApplication.build`: registration with a password
/// account, its login, the office's approval, and signing an agreement from 待签约信息 (the browser suite clicks
/// the same pages in Chromium).
extension EmployerApplicationTests {
    static let registrationForm = [
        "name": "北京某科技有限公司", "creditCode": "9111010829141777X4", "type": "民营企业", "industry": "软件和信息技术服务业",
        "location": "北京市海淀区", "contactPerson": "赵经理", "contactPhone": "010-82345678",
        "address": "北京市海淀区中关村大街1号", "postalCode": "100080",
    ]

    @Test func anEmployerRegistersLogsInAndIsApprovedThroughThePortals() async throws {
        try await withEmployerService { service in
            var visitor = PortalBrowser(service, portal: "employer", session: nil)
            #expect(try await visitor.get("/register").status == .ok)
            // A mistake in the form: the page says what, and nothing is registered.
            let mismatch = try await visitor.post("/register", Self.registrationForm.merging(
                ["password": "secret-123", "passwordConfirmation": "secret-124"]) { _, new in new })
            #expect(mismatch.status == .unprocessableContent)
            #expect(mismatch.text.contains("北京某科技有限公司"), "what was typed is kept")
            #expect(!mismatch.text.contains("secret-123"), "but never the password")
            let badPhone = try await visitor.post("/register", Self.registrationForm.merging(
                ["contactPhone": "12345", "password": "secret-123", "passwordConfirmation": "secret-123"]) { _, new in new })
            #expect(badPhone.status == .unprocessableContent)
            #expect(badPhone.text.contains("联系电话格式不正确"))
            let office = try await service.token(.employmentOffice, "JYC001")
            let none = try Answer.json(try await service.request(.get, "/v1/employers", token: office))
            #expect((none["employers"] as? [Any])?.isEmpty == true, "refused forms register nobody")

            let registered = try await visitor.post("/register", Self.registrationForm.merging(
                ["password": "secret-123", "passwordConfirmation": "secret-123"]) { _, new in new })
            #expect(registered.status == .found)
            #expect(registered.headers[.location] == "/employer/?done=registered")
            let session = try #require(visitor.session, "registering signs the new employer on")
            let me = try Answer.json(try await service.request(.get, "/v1/employers/me", token: session))
            #expect(me["status"] as? String == "pending")
            let employerID = try #require(me["employerID"] as? String)

            // The login: a wrong password is refused without saying which half was wrong; the credit code logs in.
            var login = PortalBrowser(service, portal: "employer", session: nil)
            _ = try await login.get("/login")
            let wrong = try await login.post("/login", ["login": "9111010829141777X4", "password": "secret-999"])
            #expect(wrong.status == .unauthorized)
            #expect(wrong.text.contains("登录名或密码不正确"))
            #expect(login.session == nil)
            let right = try await login.post("/login", ["login": "9111010829141777x4", "password": "secret-123"])
            #expect(right.status == .found)
            #expect(login.session != nil)

            // The office approves from its page; an employer may not open it.
            var hr = PortalBrowser(service, portal: "employer", session: session)
            #expect(try await hr.get("/office").status == .forbidden)
            var desk = PortalBrowser(service, portal: "employer", session: office)
            let pending = try await desk.get("/office")
            #expect(pending.status == .ok)
            #expect(pending.text.contains("北京某科技有限公司"))
            let approved = try await desk.post("/office/\(employerID)/approve", [:])
            #expect(approved.status == .found)
            let account = try Answer.json(try await service.request(.get, "/v1/employers/me", token: session))
            #expect(account["status"] as? String == "approved")
        }
    }

    @Test func anEmployerSignsFromItsPendingListAndAnEmptyOpinionChangesNothing() async throws {
        try await withEmployerService { service in
            let submitted = try await service.publishSubmission(of: Sample.student("2026100001"), to: Sample.employer("E0100"))
            let id = submitted.id.uuid.wire
            let token = try await service.token(.employer, "E0100")
            _ = try await service.eventually(.ok) { try await service.request(.get, "/v1/agreements/\(id)", token: token) }
            var hr = PortalBrowser(service, portal: "employer", session: token)
            let list = try await hr.get("/pending")
            #expect(list.status == .ok)
            #expect(list.text.contains("王五"))
            let page = try await hr.get("/agreements/\(id)")
            #expect(page.status == .ok)
            #expect(page.text.contains("办理：王五"))
            var other = PortalBrowser(service, portal: "employer", session: try await service.token(.employer, "E0200"))
            #expect(try await other.get("/agreements/\(id)").status == .notFound, "another employer's agreement is not found")

            let empty = try await hr.post("/agreements/\(id)/sign", ["employerOpinion": "  "])
            #expect(empty.status == .unprocessableContent)
            #expect(empty.text.contains("请填写用人单位意见"))
            let unchanged = try Answer.json(try await service.request(.get, "/v1/agreements/\(id)", token: token))
            #expect(unchanged["status"] as? String == "submitted")

            let signed = try await hr.post("/agreements/\(id)/sign", ["employerOpinion": "同意接收"])
            #expect(signed.status == .found)
            #expect(signed.headers[.location] == "/employer/pending?done=signed")
            let now = try Answer.json(try await service.request(.get, "/v1/agreements/\(id)", token: token))
            #expect(now["status"] as? String == "employerSigned")
            #expect((now["employerSection"] as? [String: Any])?["employerOpinion"] as? String == "同意接收")
        }
    }
}
