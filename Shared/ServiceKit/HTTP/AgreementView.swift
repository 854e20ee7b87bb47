import AgreementDomain
import Foundation
import Hummingbird

/// The agreement as every API shows it: the domain state, its status in Chinese, and its timeline.
public struct AgreementView: Codable, ResponseEncodable, Sendable {
    public var agreement: Agreement
    public var timeline: [TimelineEntry]?

    public init(agreement: Agreement, timeline: [TimelineEntry]?) {
        self.agreement = agreement
        self.timeline = timeline
    }

    enum Extra: String, CodingKey { case statusName, timeline }

    /// Reads what `encode(to:)` writes (clients and tests; the status name is derived, so it is only checked to be there).
    public init(from decoder: any Decoder) throws {
        agreement = try Agreement(from: decoder)
        let c = try decoder.container(keyedBy: Extra.self)
        _ = try c.decode(String.self, forKey: .statusName)
        timeline = try c.decodeIfPresent([TimelineEntry].self, forKey: .timeline)
    }

    public func encode(to encoder: any Encoder) throws {
        try agreement.encode(to: encoder)
        var c = encoder.container(keyedBy: Extra.self)
        try c.encode(agreement.status.displayName, forKey: .statusName)
        try c.encodeIfPresent(timeline, forKey: .timeline)
    }
}
