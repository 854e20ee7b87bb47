import AgreementDomain
import Foundation
import Hummingbird
import HummingbirdTesting
import ServiceKit
import ServiceTestSupport
@testable import StudentService
import Testing

/// The student portal's pages in process, through `StudentService.build` (the browser suite clicks the same pages
/// in Chromium across the four services): who may see them, the CSRF check, form errors that change nothing, and
/// the steps from the notices to a submitted agreement.
extension StudentApplicationTests {
    @Test func thePortalAdmitsOnlyTheStudentAndRefusesForgedForms() async throws {
        try await withStudentService { service in
            let token = try await publishReferenceData(service, student: Sample.student())
            var visitor = PortalBrowser(service, portal: "student", session: nil)
            let away = try await visitor.get("/edit")
            #expect(away.status == .found)
            #expect(away.headers[.location] == "/student/login?next=%2Fedit")
            var employer = PortalBrowser(service, portal: "student", session: try await service.token(.employer, "E0100"))
            let refused = try await employer.get("/")
            #expect(refused.status == .forbidden)
            #expect(refused.text.contains("当前登录身份无权访问此页面"))
            var stranger = PortalBrowser(service, portal: "student", session: try await service.token(.student, "2099999999"))
            let unknown = try await stranger.get("/")
            #expect(unknown.status == .notFound)
            #expect(unknown.text.contains("没有找到你的学籍信息"))

            var browser = PortalBrowser(service, portal: "student", session: token)
            let home = try await browser.get("/")
            #expect(home.status == .ok)
            #expect(home.text.contains("王五"))
            #expect(home.text.contains("请先阅读并确认签约须知和违约说明"))
            let forged = try await browser.post("/notices", ["signingNotice": "1", "breachExplanation": "1"], csrf: false)
            #expect(forged.status == .forbidden)
            #expect(forged.text.contains("页面已过期或来源不明"))
            let half = try await browser.post("/notices", ["signingNotice": "1"])
            #expect(half.text.contains("请勾选“已阅读签约须知”和“已阅读违约说明”"))
            let notices = try Answer.json(try await service.request(.get, "/v1/me", token: token))["notices"] as? [String: Bool]
            #expect(notices == ["signingNotice": false, "breachExplanation": false], "neither the forged nor the half form was stored")
        }
    }

    @Test func thePortalTakesAStudentFromTheNoticesToASubmittedAgreement() async throws {
        try await withStudentService { service in
            let token = try await publishReferenceData(service, student: Sample.student())
            var browser = PortalBrowser(service, portal: "student", session: token)
            _ = try await browser.get("/")
            let read = try await browser.post("/notices", ["signingNotice": "1", "breachExplanation": "1"])
            #expect(read.status == .found)
            #expect(read.headers[.location] == "/student/?done=acknowledged")

            let found = try await browser.get("/employers.json?q=9111010829141777X4")
            #expect(found.status == .ok)
            let employers = try #require(try Answer.json(found)["employers"] as? [[String: Any]])
            #expect(employers.map { $0["employerID"] as? String } == ["E0100"])

            let edit = try await browser.get("/edit")
            #expect(edit.status == .ok)
            #expect(edit.text.contains("填写/编辑就业协议书"))
            let bad = try await browser.post("/edit", ["employerID": "E0100", "mobile": "12", "email": "wangwu@example.edu.cn"])
            #expect(bad.status == .unprocessableContent)
            #expect(bad.text.contains("手机号格式不正确"))
            #expect(try await service.request(.get, "/v1/agreement", token: token).status == .notFound, "a refused form saves nothing")
            let preview = try await browser.get("/print/preview")
            #expect(preview.status == .notFound, "nothing to print before there is an agreement")

            let saved = try await browser.post("/edit", ["employerID": "E0100", "mobile": "13800138000", "email": "wangwu@example.edu.cn",
                                                         "remarks": "月薪 20000 元"])
            #expect(saved.status == .found)
            #expect(saved.headers[.location] == "/student/?done=saved")
            let submitted = try await browser.post("/submit", [:])
            #expect(submitted.status == .found)
            #expect(submitted.headers[.location] == "/student/?done=submitted")
            let agreement = try Answer.json(try await service.request(.get, "/v1/agreement", token: token))
            #expect(agreement["status"] as? String == "submitted")
            #expect((agreement["form"] as? [String: Any])?["remarks"] as? String == "月薪 20000 元")
            let after = try await browser.get("/?done=submitted")
            #expect(after.text.contains("已正式提交，等待用人单位签约。"))
            #expect(after.text.contains("待单位签约"))
            let early = try await browser.get("/print/preview")
            #expect(early.status == .conflict)
            #expect(early.text.contains("学院审核通过后才能打印"))
            let sample = try await browser.get("/template")
            #expect(sample.status == .ok)
            #expect(sample.text.contains("月薪 20000 元"), "the sample shows what the student filled in")
        }
    }
}
