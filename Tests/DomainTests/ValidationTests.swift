import AgreementDomain
import Testing

/// Input formats and limits, with the zh-CN messages users see.
@Suite struct ValidationTests {
    typealias V = AgreementValidation

    @Test(arguments: ["13800138000", "19912345678", "15000000000"])
    func goodMobiles(_ s: String) { #expect(V.isMobile(s)) }

    @Test(arguments: ["12800138000", "1380013800", "138001380000", "23800138000", "1380013800a", "", "+8613800138000", "138 0013 8000"])
    func badMobiles(_ s: String) { #expect(!V.isMobile(s)) }

    @Test(arguments: ["010-12345678", "0755-1234567", "02112345678", "0755 86013388", "010-62751234-801", "13601012345",
                      "400-810-5566", "8008105566", "07551234567"])
    func goodPhones(_ s: String) { #expect(V.isPhone(s)) }

    @Test(arguments: ["12345678", "010-1234", "10-12345678", "0010-12345678", "010-02345678", "010--12345678",
                      "010-12345678-", "010-12345678-1234567", "abc", "", "0755-123456789", "4008105566-", "123"])
    func badPhones(_ s: String) { #expect(!V.isPhone(s)) }

    @Test(arguments: ["100871", "518057", "200000"])
    func goodPostalCodes(_ s: String) { #expect(V.isPostalCode(s)) }

    @Test(arguments: ["012345", "10087", "1008711", "10087a", "", "１００８７１"])
    func badPostalCodes(_ s: String) { #expect(!V.isPostalCode(s)) }

    @Test(arguments: ["zhangsan@example.edu.cn", "a.b+c@mail.pku.edu.cn", "x_y-z%1@qq.com", "A@B.CO"])
    func goodEmails(_ s: String) { #expect(V.isEmail(s)) }

    @Test(arguments: ["zhangsan", "a@b", "@example.com", "a@.com", "a@example.", "a..b@example.com", ".a@example.com",
                      "a@-example.com", "a@example.c", "a b@example.com", "张三@example.com", "a@@example.com", "a@example.123"])
    func badEmails(_ s: String) { #expect(!V.isEmail(s)) }

    @Test(arguments: ["91440300708461136T", "914403001922038216", "91330100799655058B"])
    func goodCreditCodes(_ s: String) { #expect(V.isCreditCode(s)) }

    @Test(arguments: ["91440300708461136A", "9144030070846113", "91440300708461136TT", "9144030070846113IT", ""])
    func badCreditCodes(_ s: String) { #expect(!V.isCreditCode(s)) }

    @Test func reviewMessagesNameTheFieldInChinese() {
        let good = CollegeReview(contactPerson: "刘老师", contactPhone: "010-62751234", postalCode: "100871", mailingAddress: "北京市海淀区颐和园路5号")
        #expect(V.problems(in: good).isEmpty)
        var r = good
        r.contactPhone = "62751234x"
        #expect(V.problems(in: r).map(\.message) == ["联系电话格式不正确"])
        #expect(V.problems(in: r).first?.field == "contactPhone")
        r = CollegeReview(contactPerson: "", contactPhone: "", postalCode: "", mailingAddress: "")
        #expect(V.problems(in: r).map(\.message) == ["请填写学校联系人", "请填写联系电话", "请填写邮政编码", "请填写协议书邮寄地址"])
        r = good
        r.postalCode = "012345"
        #expect(throws: AgreementRefusal.self) { try V.validate(r) }
        do { try V.validate(r) } catch {
            #expect(error.code == .validationFailed && error.field == "postalCode" && error.message == "邮政编码格式不正确")
        }
    }

    @Test func lengthLimitsCountCharactersNotBytes() {
        let form = StudentForm(mobile: "13800138000", email: "a@b.cn", remarks: String(repeating: "薪", count: 1000))
        #expect(V.problems(in: form).isEmpty)
        var long = form
        long.remarks = String(repeating: "薪", count: 1001)
        #expect(V.problems(in: long).map(\.message) == ["备注不能超过1000个字"])
        long = form
        long.personalOpinion = String(repeating: "同", count: 501)
        #expect(V.problems(in: long).first?.field == "personalOpinion")
        long = form
        long.jobTitle = String(repeating: "岗", count: 101)
        #expect(V.problems(in: long).first?.message == "工作岗位不能超过100个字")
        long = form
        long.workLocation = String(repeating: "地", count: 201)
        #expect(V.problems(in: long).first?.message == "工作地点不能超过200个字")
    }

    @Test func employerRegistrationIsFullyChecked() {
        #expect(V.problems(in: Fixture.employer).isEmpty)
        var e = Fixture.employer
        e.name = String(repeating: "公", count: 101)
        e.creditCode = "123"
        e.postalCode = "51805"
        e.address = String(repeating: "址", count: 201)
        e.archiveAddress = nil
        #expect(V.problems(in: e).map(\.field) == ["name", "creditCode", "address", "postalCode"])
        #expect(V.problems(in: e).map(\.message) == ["单位名称不能超过100个字", "统一社会信用代码格式不正确", "单位地址不能超过200个字", "邮政编码格式不正确"])
    }

    @Test func inputIsTrimmedBeforeChecking() {
        let form = StudentForm(mobile: " 13800138000 ", email: "a@b.cn\n", personalOpinion: "  ")
        #expect(V.problems(in: form).isEmpty)
        #expect(form.normalized.personalOpinion == "同意", "a blank opinion is the default 同意")
        #expect(form.normalized.mobile == "13800138000")
    }

    @Test func agreementNumbersParseFormatAndValidate() {
        let n = AgreementNumber(year: 2026, schoolCode: "10001", serial: 123)
        #expect(n.formatted == "202610001000123")
        #expect(AgreementNumber(parsing: "202610001000123") == n)
        #expect(AgreementNumber(parsing: "20261000100012") == nil)
        #expect(AgreementNumber(parsing: "2026100010001234") == nil)
        #expect(AgreementNumber(parsing: "202610001000000") == nil, "serial 0 is not a number")
        #expect(AgreementNumber(parsing: "19991000100001a") == nil)
        #expect(AgreementNumber(parsing: "199910001000001") == nil)
        #expect(AgreementNumber(year: 2026, schoolCode: "10001", serial: 999_999).formatted == "202610001999999")
        #expect(!AgreementNumber(year: 2026, schoolCode: "10001", serial: 1_000_000).isValid)
        #expect(!AgreementNumber(year: 2026, schoolCode: "1000A", serial: 1).isValid)
    }
}
