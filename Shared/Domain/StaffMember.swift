/// A member of the university's staff directory (教职工名单), which the employment office uploads: a counselor
/// (辅导员) of one college, or the employment office (就业指导中心). Signing on takes a person's role and college
/// from here.
public struct StaffMember: Codable, Sendable, Hashable {
    public enum Role: String, Codable, Sendable, CaseIterable {
        case counselor = "辅导员"
        case office = "就业指导中心"
    }

    /// 工号.
    public var staffID: String
    public var name: String
    public var role: Role
    /// The counselor's college; nil for the office.
    public var collegeCode: String?

    public init(staffID: String, name: String, role: Role, collegeCode: String?) {
        self.staffID = staffID
        self.name = name
        self.role = role
        self.collegeCode = collegeCode
    }
}
