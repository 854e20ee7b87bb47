import AgreementDomain
import Foundation
import Hummingbird

/// The agreement as every API shows it: the domain state, its status in Chinese, and its timeline.
public struct AgreementView: ResponseEncodable, Sendable {
    public var agreement: Agreement
    public var timeline: [TimelineEntry]?

    public init(agreement: Agreement, timeline: [TimelineEntry]?) {
        self.agreement = agreement
        self.timeline = timeline
    }

    enum Extra: String, CodingKey { case statusName, timeline }

    public func encode(to encoder: any Encoder) throws {
        try agreement.encode(to: encoder)
        var c = encoder.container(keyedBy: Extra.self)
        try c.encode(agreement.status.displayName, forKey: .statusName)
        try c.encodeIfPresent(timeline, forKey: .timeline)
    }
}
