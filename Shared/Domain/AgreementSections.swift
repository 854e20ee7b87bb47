import Foundation

/// What the student fills in (step 1): contact details and personal opinion (本人意见).
public struct StudentForm: Codable, Sendable, Hashable {
    /// 手机号.
    public var mobile: String
    /// 电子邮箱.
    public var email: String
    /// 本人意见, 同意 by default.
    public var personalOpinion: String
    /// 工作岗位.
    public var jobTitle: String?
    /// 工作地点.
    public var workLocation: String?
    /// 备注: extra terms such as salary, contract term, agreed breach penalty.
    public var remarks: String?

    public static let defaultOpinion = "同意"

    public init(mobile: String, email: String, personalOpinion: String = StudentForm.defaultOpinion,
                jobTitle: String? = nil, workLocation: String? = nil, remarks: String? = nil) {
        self.mobile = mobile
        self.email = email
        self.personalOpinion = personalOpinion
        self.jobTitle = jobTitle
        self.workLocation = workLocation
        self.remarks = remarks
    }

    private enum CodingKeys: String, CodingKey { case mobile, email, personalOpinion, jobTitle, workLocation, remarks }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        mobile = try c.decode(String.self, forKey: .mobile)
        email = try c.decode(String.self, forKey: .email)
        // The opinion defaults to 同意, as in the form.
        personalOpinion = try c.decodeIfPresent(String.self, forKey: .personalOpinion) ?? Self.defaultOpinion
        jobTitle = try c.decodeIfPresent(String.self, forKey: .jobTitle)
        workLocation = try c.decodeIfPresent(String.self, forKey: .workLocation)
        remarks = try c.decodeIfPresent(String.self, forKey: .remarks)
    }

    /// Trimmed; a blank opinion becomes 同意 and blank optional texts nil.
    public var normalized: StudentForm {
        StudentForm(mobile: mobile.trimmed, email: email.trimmed,
                    personalOpinion: personalOpinion.trimmedOrNil ?? Self.defaultOpinion,
                    jobTitle: jobTitle.trimmedOrNil, workLocation: workLocation.trimmedOrNil, remarks: remarks.trimmedOrNil)
    }
}

/// The section the employer completes when signing (用人单位情况及意见): its information, possibly corrected, its
/// opinion (required) and the supervising department's opinion (optional).
public struct EmployerSection: Codable, Sendable, Hashable {
    public var employer: EmployerSnapshot
    /// 用人单位意见.
    public var employerOpinion: String
    /// 主管部门意见.
    public var supervisorOpinion: String?

    public init(employer: EmployerSnapshot, employerOpinion: String, supervisorOpinion: String? = nil) {
        self.employer = employer
        self.employerOpinion = employerOpinion
        self.supervisorOpinion = supervisorOpinion
    }

    public var normalized: EmployerSection {
        EmployerSection(employer: employer.normalized, employerOpinion: employerOpinion.trimmed,
                        supervisorOpinion: supervisorOpinion.trimmedOrNil)
    }
}

/// What the counselor fills in to approve (通过), all required. Pre-filled from that counselor's last review.
public struct CollegeReview: Codable, Sendable, Hashable {
    /// 学校联系人.
    public var contactPerson: String
    /// 联系电话.
    public var contactPhone: String
    /// 邮政编码.
    public var postalCode: String
    /// 协议书邮寄地址.
    public var mailingAddress: String

    public init(contactPerson: String, contactPhone: String, postalCode: String, mailingAddress: String) {
        self.contactPerson = contactPerson
        self.contactPhone = contactPhone
        self.postalCode = postalCode
        self.mailingAddress = mailingAddress
    }

    public var normalized: CollegeReview {
        CollegeReview(contactPerson: contactPerson.trimmed, contactPhone: contactPhone.trimmed,
                      postalCode: postalCode.trimmed, mailingAddress: mailingAddress.trimmed)
    }
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}

extension Optional<String> {
    var trimmedOrNil: String? {
        guard let t = self?.trimmed, !t.isEmpty else { return nil }
        return t
    }
}

extension String {
    var trimmedOrNil: String? { Optional(self).trimmedOrNil }
}
