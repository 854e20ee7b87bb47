/// Pure input checks, used by the decider and reusable by HTTP layers (same rules, same zh-CN messages).
///
/// Each `validate` checks the normalized (trimmed) value and throws the first problem as a `validation_failed`
/// refusal naming the field; each `problems(in:)` lists all of them, for forms that show every error at once.
public enum AgreementValidation {
    /// Limits in characters (what a user counts), not bytes.
    public static let maxNameLength = 100
    public static let maxOpinionLength = 500
    /// 备注: at most this many characters, so that every copy still prints on its two pages (measured in the browser
    /// suite with every field at its maximum length).
    public static let maxRemarksLength = 1000
    public static let maxAddressLength = 200
    public static let maxStudentIDLength = 20
    public static let maxPersonNameLength = 50
    public static let maxCodeLength = 20
    /// An e-mail address (RFC 5321's path limit).
    public static let maxEmailLength = 254
    /// A search text (query parameters).
    public static let maxQueryLength = 50

    // MARK: Text

    /// Control characters are refused in every text field: all of Unicode's Cc category (NUL, escape, DEL, C1…)
    /// except tab and line feed, which free text may hold. PostgreSQL cannot store NUL, and the rest have no place
    /// in a form.
    public static func containsForbiddenControl(_ text: String) -> Bool {
        text.unicodeScalars.contains { s in
            (s.value < 0x20 && s.value != 0x09 && s.value != 0x0A) || (0x7F...0x9F).contains(s.value)
        }
    }

    // MARK: Formats

    /// A mainland mobile number: `^1[3-9]\d{9}$`.
    public static func isMobile(_ text: String) -> Bool {
        let d = Array(text.utf8)
        return d.count == 11 && d.allSatisfy(isDigit) && d[0] == ascii("1") && (ascii("3")...ascii("9")).contains(d[1])
    }

    /// A contact phone: a mobile, a landline with area code (`010-12345678`, `0755-1234567`, `02112345678`,
    /// optionally `-extension`), or a 400/800 service number.
    public static func isPhone(_ text: String) -> Bool {
        isMobile(text) || isLandline(text) || isServiceNumber(text)
    }

    /// A landline with its area code: 0 + 2–3 digits, an optional `-` or space, 7–8 digits not starting with 0,
    /// and an optional `-` extension of 1–6 digits.
    public static func isLandline(_ text: String) -> Bool {
        var parts = text.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 1 { parts = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init) }
        guard parts.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy(isDigit) }) else { return false }
        func local(_ s: String) -> Bool {
            let d = Array(s.utf8)
            return (7...8).contains(d.count) && d[0] != ascii("0")
        }
        func area(_ s: String) -> Bool {
            let d = Array(s.utf8)
            return (3...4).contains(d.count) && d[0] == ascii("0") && d[1] != ascii("0")
        }
        func ext(_ s: String) -> Bool { (1...6).contains(s.utf8.count) }
        switch parts.count {
        case 1:  // digits only: area code and number run together
            let d = Array(parts[0].utf8)
            guard (10...12).contains(d.count), d[0] == ascii("0"), d[1] != ascii("0") else { return false }
            return [3, 4].contains { n in n < d.count && area(String(parts[0].prefix(n))) && local(String(parts[0].dropFirst(n))) }
        case 2: return area(parts[0]) && local(parts[1])
        case 3: return area(parts[0]) && local(parts[1]) && ext(parts[2])
        default: return false
        }
    }

    /// A nationwide service number: 400 or 800 and 7 more digits, dashes allowed.
    public static func isServiceNumber(_ text: String) -> Bool {
        let digits = text.filter { $0 != "-" }
        return digits.utf8.count == 10 && digits.utf8.allSatisfy(isDigit) && (digits.hasPrefix("400") || digits.hasPrefix("800"))
            && text.utf8.first != ascii("-") && text.utf8.last != ascii("-") && !text.contains("--")
    }

    /// A postal code: `^[1-9]\d{5}$`.
    public static func isPostalCode(_ text: String) -> Bool {
        let d = Array(text.utf8)
        return d.count == 6 && d.allSatisfy(isDigit) && d[0] != ascii("0")
    }

    /// A plain address `local@domain.tld` (no quoted local parts, no IP literals; at most 254 characters).
    public static func isEmail(_ text: String) -> Bool {
        guard text.utf8.count <= maxEmailLength else { return false }
        let halves = text.split(separator: "@", omittingEmptySubsequences: false)
        guard halves.count == 2 else { return false }
        let local = halves[0], domain = halves[1]
        let localAllowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-")
        guard (1...64).contains(local.count), local.allSatisfy(localAllowed.contains),
              local.first != ".", local.last != ".", !local.contains("..") else { return false }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        let labelAllowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")
        guard labels.count >= 2, labels.allSatisfy({
            (1...63).contains($0.count) && $0.allSatisfy(labelAllowed.contains) && $0.first != "-" && $0.last != "-"
        }) else { return false }
        let tld = labels.last!
        return tld.count >= 2 && tld.allSatisfy { $0.isASCII && $0.isLetter }
    }

    /// A unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from the code alphabet (no
    /// I, O, S, V, Z) whose last one is the check character.
    public static func isCreditCode(_ text: String) -> Bool {
        let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
        let chars = Array(text)
        guard chars.count == 18 else { return false }
        var values: [Int] = []
        for c in chars {
            guard let v = alphabet.firstIndex(of: c) else { return false }
            values.append(v)
        }
        // Weights are 3^i mod 31, the standard's table.
        var weight = 1, sum = 0
        for v in values.prefix(17) {
            sum += v * weight
            weight = weight * 3 % 31
        }
        return values[17] == (31 - sum % 31) % 31
    }

    // MARK: Inputs

    /// 手机号, 电子邮箱, 本人意见, 工作岗位, 工作地点, 备注.
    public static func validate(_ form: StudentForm) throws(AgreementRefusal) { try first(problems(in: form)) }

    public static func problems(in form: StudentForm) -> [AgreementRefusal] {
        let f = form.normalized
        var c = Checker()
        c.format(f.mobile, "mobile", "手机号", isMobile)
        c.format(f.email, "email", "电子邮箱", isEmail)
        c.required(f.personalOpinion, "personalOpinion", "本人意见", max: maxOpinionLength)
        c.optional(f.jobTitle, "jobTitle", "工作岗位", max: maxNameLength)
        c.optional(f.workLocation, "workLocation", "工作地点", max: maxAddressLength)
        c.optional(f.remarks, "remarks", "备注", max: maxRemarksLength)
        return c.problems
    }

    /// The employer's registration or corrected information: every field but the archive address is required.
    public static func validate(_ employer: EmployerSnapshot) throws(AgreementRefusal) { try first(problems(in: employer)) }

    public static func problems(in employer: EmployerSnapshot, fieldPrefix: String = "") -> [AgreementRefusal] {
        let e = employer.normalized
        var c = Checker(prefix: fieldPrefix)
        c.required(e.employerID, "employerID", "单位编号", max: maxNameLength)
        c.required(e.name, "name", "单位名称", max: maxNameLength)
        c.format(e.creditCode, "creditCode", "统一社会信用代码", isCreditCode)
        c.required(e.type, "type", "单位性质", max: maxNameLength)
        c.required(e.industry, "industry", "所属行业", max: maxNameLength)
        c.required(e.location, "location", "单位所在地", max: maxAddressLength)
        c.required(e.contactPerson, "contactPerson", "联系人", max: maxNameLength)
        c.format(e.contactPhone, "contactPhone", "联系电话", isPhone)
        c.required(e.address, "address", "单位地址", max: maxAddressLength)
        c.format(e.postalCode, "postalCode", "邮政编码", isPostalCode)
        c.optional(e.archiveAddress, "archiveAddress", "档案转寄地址", max: maxAddressLength)
        return c.problems
    }

    /// The employer section at signing: the employer information (fields prefixed `employer.`), 用人单位意见
    /// (required) and 主管部门意见.
    public static func validate(_ section: EmployerSection) throws(AgreementRefusal) { try first(problems(in: section)) }

    public static func problems(in section: EmployerSection) -> [AgreementRefusal] {
        let s = section.normalized
        var c = Checker()
        c.problems = problems(in: s.employer, fieldPrefix: "employer.")
        c.required(s.employerOpinion, "employerOpinion", "用人单位意见", max: maxOpinionLength)
        c.optional(s.supervisorOpinion, "supervisorOpinion", "主管部门意见", max: maxOpinionLength)
        return c.problems
    }

    /// The four review fields, all required: 学校联系人, 联系电话, 邮政编码, 协议书邮寄地址.
    public static func validate(_ review: CollegeReview) throws(AgreementRefusal) { try first(problems(in: review)) }

    public static func problems(in review: CollegeReview) -> [AgreementRefusal] {
        let r = review.normalized
        var c = Checker()
        c.required(r.contactPerson, "contactPerson", "学校联系人", max: maxNameLength)
        c.format(r.contactPhone, "contactPhone", "联系电话", isPhone)
        c.format(r.postalCode, "postalCode", "邮政编码", isPostalCode)
        c.required(r.mailingAddress, "mailingAddress", "协议书邮寄地址", max: maxAddressLength)
        return c.problems
    }

    /// A mandatory reason (return, refusal, take-back, reprint), at most 500 characters. `label` names it in
    /// the message, e.g. 退回原因.
    public static func validate(reason: String, label: String = "原因", field: String = "reason") throws(AgreementRefusal) {
        var c = Checker()
        c.required(reason.trimmed, field, label, max: maxOpinionLength)
        try first(c.problems)
    }

    /// 用人单位意见 (required) and 主管部门意见 on their own, as a batch signing gives them for every agreement.
    public static func validate(employerOpinion: String, supervisorOpinion: String?) throws(AgreementRefusal) {
        var c = Checker()
        c.required(employerOpinion.trimmed, "employerOpinion", "用人单位意见", max: maxOpinionLength)
        c.optional(supervisorOpinion?.trimmed, "supervisorOpinion", "主管部门意见", max: maxOpinionLength)
        try first(c.problems)
    }

    /// A well-formed agreement number (协议书号).
    public static func validate(_ number: AgreementNumber) throws(AgreementRefusal) {
        guard number.isValid else { throw invalid("agreementNumber", "协议书号格式不正确（应为年份4位+学校代码5位+流水号6位）") }
    }

    /// The student's basic information (a roster record, and the copy the agreement carries).
    public static func validate(_ student: StudentSnapshot) throws(AgreementRefusal) {
        try first(problems(in: student, fieldPrefix: "student."))
    }

    /// Every problem of a roster record: 学号 (ASCII letters and digits), 姓名, 性别 (男/女), 学院代码, 学院名称, 专业,
    /// 学历层次 and 毕业年份, each within its limit.
    public static func problems(in student: StudentSnapshot, fieldPrefix: String = "") -> [AgreementRefusal] {
        var c = Checker(prefix: fieldPrefix)
        let id = student.studentID.trimmed
        c.required(id, "studentID", "学号", max: maxStudentIDLength)
        if !id.isEmpty, id.count <= maxStudentIDLength, !id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
            c.problems.append(invalid(fieldPrefix + "studentID", "学号格式不正确（只能是字母和数字）"))
        }
        c.required(student.name.trimmed, "name", "姓名", max: maxPersonNameLength)
        if !["男", "女"].contains(student.gender.trimmed) {
            c.problems.append(invalid(fieldPrefix + "gender", "性别只能是“男”或“女”"))
        }
        c.required(student.collegeCode.trimmed, "collegeCode", "学院代码", max: maxCodeLength)
        c.required(student.collegeName.trimmed, "collegeName", "学院名称", max: maxNameLength)
        c.required(student.major.trimmed, "major", "专业", max: maxNameLength)
        c.required(student.degree.trimmed, "degree", "学历层次", max: maxCodeLength)
        if !(2000...2100).contains(student.graduationYear) {
            c.problems.append(invalid(fieldPrefix + "graduationYear", "毕业年份不正确"))
        }
        return c.problems
    }

    /// A staff directory row: a staff ID, a name, and a college for counselors.
    public static func problems(in member: StaffMember) -> [AgreementRefusal] {
        var c = Checker()
        c.required(member.staffID, "staffID", "工号", max: maxStudentIDLength)
        c.required(member.name, "name", "姓名", max: maxPersonNameLength)
        switch member.role {
        case .counselor: c.required(member.collegeCode ?? "", "collegeCode", "学院代码", max: maxCodeLength)
        case .office: c.optional(member.collegeCode, "collegeCode", "学院代码", max: maxCodeLength)
        }
        return c.problems
    }

    /// An identifier given by a caller (an employer ID, a student ID in a search): present, within `max`
    /// characters, without control characters.
    public static func validate(identifier: String, field: String, label: String, max: Int = maxNameLength) throws(AgreementRefusal) {
        var c = Checker()
        c.required(identifier, field, label, max: max)
        try first(c.problems)
    }

    /// A search text: at most `maxLength` characters, without control characters.
    public static func validate(query: String, field: String, maxLength: Int = maxQueryLength) throws(AgreementRefusal) {
        var c = Checker()
        c.optional(query, field, "查询参数 \(field) ", max: maxLength)
        try first(c.problems)
    }

    // MARK: Helpers

    static func invalid(_ field: String, _ message: String) -> AgreementRefusal {
        AgreementRefusal(code: .validationFailed, status: nil, command: "validate", message: message, field: field)
    }

    private static func first(_ problems: [AgreementRefusal]) throws(AgreementRefusal) {
        if let p = problems.first { throw p }
    }

    private struct Checker {
        var prefix = ""
        var problems: [AgreementRefusal] = []

        mutating func required(_ value: String, _ field: String, _ label: String, max: Int) {
            if value.isEmpty { problems.append(invalid(prefix + field, "请填写\(label)")) }
            else { optional(value, field, label, max: max) }
        }

        mutating func optional(_ value: String?, _ field: String, _ label: String, max: Int) {
            guard let value else { return }
            // Counting characters of a huge text is slow: a byte count above 4 bytes per allowed character is over.
            if value.utf8.count > max * 4 || value.count > max { problems.append(invalid(prefix + field, "\(label)不能超过\(max)个字")) }
            else if containsForbiddenControl(value) { problems.append(invalid(prefix + field, "\(label)不能包含控制字符")) }
        }

        mutating func format(_ value: String, _ field: String, _ label: String, _ isValid: (String) -> Bool) {
            if value.isEmpty { problems.append(invalid(prefix + field, "请填写\(label)")) }
            else if containsForbiddenControl(value) { problems.append(invalid(prefix + field, "\(label)不能包含控制字符")) }
            else if !isValid(value) { problems.append(invalid(prefix + field, "\(label)格式不正确")) }
        }
    }

    private static func isDigit(_ b: UInt8) -> Bool { (0x30...0x39).contains(b) }
    private static func ascii(_ c: Character) -> UInt8 { c.asciiValue! }
}
