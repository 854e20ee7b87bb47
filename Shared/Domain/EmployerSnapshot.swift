/// An employer's information (用人单位情况) as registered, and as the employer may correct it when signing.
public struct EmployerSnapshot: Codable, Sendable, Hashable {
    public var employerID: String
    /// 单位名称.
    public var name: String
    /// 统一社会信用代码 (18 characters, GB 32100-2015).
    public var creditCode: String
    /// 单位性质, e.g. 国有企业, 民营企业, 机关.
    public var type: String
    /// 所属行业.
    public var industry: String
    /// 单位所在地.
    public var location: String
    /// 联系人.
    public var contactPerson: String
    /// 联系电话 (landline or mobile).
    public var contactPhone: String
    /// 单位地址.
    public var address: String
    /// 邮政编码.
    public var postalCode: String
    /// 档案转寄地址; nil when the archive goes to the employer's address.
    public var archiveAddress: String?

    public init(employerID: String, name: String, creditCode: String, type: String, industry: String,
                location: String, contactPerson: String, contactPhone: String, address: String,
                postalCode: String, archiveAddress: String? = nil) {
        self.employerID = employerID
        self.name = name
        self.creditCode = creditCode
        self.type = type
        self.industry = industry
        self.location = location
        self.contactPerson = contactPerson
        self.contactPhone = contactPhone
        self.address = address
        self.postalCode = postalCode
        self.archiveAddress = archiveAddress
    }

    /// Surrounding whitespace removed and an empty archive address made nil, so equal input compares equal.
    public var normalized: EmployerSnapshot {
        EmployerSnapshot(
            employerID: employerID.trimmed, name: name.trimmed, creditCode: creditCode.trimmed.uppercased(),
            type: type.trimmed, industry: industry.trimmed, location: location.trimmed,
            contactPerson: contactPerson.trimmed, contactPhone: contactPhone.trimmed, address: address.trimmed,
            postalCode: postalCode.trimmed, archiveAddress: archiveAddress.trimmedOrNil)
    }
}
