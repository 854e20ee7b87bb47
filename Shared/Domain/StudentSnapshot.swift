/// The student's source-information review status (生源信息审核状态), owned by the employment office's roster.
///
/// Raw values are the Chinese terms users know; they are also the wire form.
public enum SourceReviewStatus: String, Codable, CaseIterable, Sendable, Hashable {
    case complete = "审核完成"
    case awaitingEmploymentOffice = "待就业处审核"
    case awaitingCollege = "待学院审核"
    case rejected = "审核不通过"
    case notSubmitted = "未提交"

    /// Only 审核完成 and 待就业处审核 allow signing (the manual's precondition for step 1).
    public var permitsSigning: Bool { self == .complete || self == .awaitingEmploymentOffice }
}

/// The student's basic information (基本信息) as the roster says: read-only for the student, corrected by college
/// staff. Copied into the agreement so every projection can show and filter by it.
public struct StudentSnapshot: Codable, Sendable, Hashable {
    public var studentID: String
    public var name: String
    /// 性别, e.g. 男 / 女.
    public var gender: String
    public var collegeCode: String
    public var collegeName: String
    public var major: String
    /// 学历层次, e.g. 本科, 硕士研究生.
    public var degree: String
    public var graduationYear: Int
    public var reviewStatus: SourceReviewStatus

    public init(studentID: String, name: String, gender: String, collegeCode: String, collegeName: String,
                major: String, degree: String, graduationYear: Int, reviewStatus: SourceReviewStatus) {
        self.studentID = studentID
        self.name = name
        self.gender = gender
        self.collegeCode = collegeCode
        self.collegeName = collegeName
        self.major = major
        self.degree = degree
        self.graduationYear = graduationYear
        self.reviewStatus = reviewStatus
    }
}
