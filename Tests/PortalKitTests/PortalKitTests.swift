import AgreementDomain
import Foundation
@testable import PortalKit
import Testing

@Suite struct FormDataTests {
    @Test func decodesPercentEncodingPlusAndRepeats() {
        let form = FormData(urlEncoded: "a=%E5%90%8C%E6%84%8F&b=x+y&ids=1&ids=2&empty=&bad=%E5%ZZ&=nameless")
        #expect(form["a"] == "同意")
        #expect(form["b"] == "x y")
        #expect(form.all("ids") == ["1", "2"])
        #expect(form["empty"] == "")
        #expect(form.optional("empty") == nil)
        #expect(form["bad"] == nil)
        #expect(form.fields.count == 5)
    }
}

@Suite struct PortalSafetyTests {
    @Test func nextStaysOnThePortal() {
        #expect(Portal.safeNext("/edit") == "/edit")
        #expect(Portal.safeNext("//evil.example/") == "/")
        #expect(Portal.safeNext("https://evil.example/") == "/")
        #expect(Portal.safeNext("/\\evil") == "/")
        #expect(Portal.safeNext("/a\r\nSet-Cookie: x") == "/")
        #expect(Portal.safeNext(nil) == "/")
    }

    @Test func csrfTokensAreRandomAndComparedExactly() {
        let a = Portal.randomToken(), b = Portal.randomToken()
        #expect(a.count == 43 && b.count == 43 && a != b)
        #expect(Portal.constantTimeEqual(a, a))
        #expect(!Portal.constantTimeEqual(a, b))
        #expect(!Portal.constantTimeEqual(a, String(a.dropLast())))
    }

    @Test func templatesEscapeWhatPeopleTyped() throws {
        let views = try PortalViews(["t": "<p>{{name}}</p>"])
        struct Model { var name: String }
        let html = try views.render(Model(name: "<script>alert(1)</script>"), template: "t")
        #expect(html == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>")
    }

    @Test func aBrokenTemplateStopsStartUp() {
        #expect(throws: PortalViews.Broken.self) { try PortalViews(["bad": "{{#open}} never closed"]) }
    }

    @Test func timesAreShownInChinasTimeZone() {
        // 2026-12-01T06:05:00Z is 14:05 in Beijing.
        #expect(AgreementDisplay.time(Date(timeIntervalSince1970: 1_796_105_100)) == "2026-12-01 14:05")
    }
}
