import Hummingbird

/// A list of agreements as the list endpoints answer it (newest first).
public struct AgreementList: Codable, ResponseEncodable, Sendable {
    public var agreements: [AgreementSummary]
    public init(agreements: [AgreementSummary]) { self.agreements = agreements }
}
