import AgreementDomain
import Foundation
@testable import PortalKit
import NIOCore
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

@Suite struct PrintVerificationTests {
    let verification = PrintVerification(secret: "a-verification-secret-of-32-bytes!")
    let number = AgreementNumber(year: 2027, schoolCode: "10001", serial: 123)

    @Test func aCodeNamesItsNumberAndCopyAndNothingElseChecks() throws {
        let code = verification.code(number: number, copy: 2)
        #expect(code.hasPrefix("202710001000123-2-"))
        #expect(code.split(separator: "-")[2].count == 16)
        let checked = try #require(verification.check(code))
        #expect(checked.number == number && checked.copy == 2)
        // Another copy's number with this MAC, another secret, a changed character, junk: all refused.
        #expect(verification.check(code.replacingOccurrences(of: "-2-", with: "-3-")) == nil)
        #expect(PrintVerification(secret: "another-secret-of-thirty-two-bytes").check(code) == nil)
        var chars = Array(code)
        chars[chars.count - 1] = chars.last == "A" ? "B" : "A"
        #expect(verification.check(String(chars)) == nil)
        for junk in ["", "x", "202710001000123-2", "202710001000123--AAAA", "1-1-AAAAAAAAAAAAAAAA", "202710001000123-99999-AAAAAAAAAAAAAAAA"] {
            #expect(verification.check(junk) == nil)
        }
        #expect(verification.code(number: number, copy: 1) != verification.code(number: number, copy: 2))
    }

    @Test func base32IsRFC4648() {
        // RFC 4648 test vector: "foobar" → MZXW6YTBOI (without padding).
        #expect(PrintVerification.base32(Array("foobar".utf8)) == "MZXW6YTBOI")
    }

    @Test func namesAreMaskedForThePublicPage() {
        #expect(PrintedAgreement.masked("张三") == "张*")
        #expect(PrintedAgreement.masked("张小三") == "张*三")
        #expect(PrintedAgreement.masked("欧阳小锋") == "欧**锋")
        #expect(PrintedAgreement.masked("李") == "*")
    }
}

@Suite struct MultipartFormTests {
    @Test func fieldsAndFilesOfAnUpload() throws {
        let body = [
            "--XyZ", "Content-Disposition: form-data; name=\"_csrf\"", "", "token123",
            "--XyZ", "Content-Disposition: form-data; name=\"file\"; filename=\"名单.csv\"", "Content-Type: text/csv", "",
            "studentID,name\r\n2023001,张三",
            "--XyZ--", "",
        ].joined(separator: "\r\n")
        #expect(MultipartForm.boundary(of: "multipart/form-data; boundary=XyZ") == "XyZ")
        #expect(MultipartForm.boundary(of: "multipart/form-data; boundary=\"XyZ\"") == "XyZ")
        let form = try MultipartForm.parse(ByteBuffer(string: body), boundary: "XyZ")
        #expect(form["_csrf"] == "token123")
        let file = try #require(form.file("file"))
        #expect(file.filename == "名单.csv")
        #expect(String(decoding: file.bytes, as: UTF8.self) == "studentID,name\r\n2023001,张三")
    }

    @Test func aBodyWithoutPartsGivesNoFieldsSoItsFormIsRefused() throws {
        // No `_csrf` field either: the portal refuses the post before anything runs.
        let form = try MultipartForm.parse(ByteBuffer(string: "not multipart at all"), boundary: "XyZ")
        #expect(form.fields.isEmpty && form.files.isEmpty)
        #expect(form["_csrf"] == nil)
    }
}
