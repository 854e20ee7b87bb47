import AgreementDomain
import Foundation
import Hummingbird

/// The agreement as every API shows it: the domain state, its status in Chinese, and its timeline.
public struct AgreementView: ResponseEncodable, Sendable {
    public var agreement: Agreement
    public var timeline: [TimelineEntry]?

    enum Extra: String, CodingKey { case statusName, timeline }

    public func encode(to encoder: any Encoder) throws {
        try agreement.encode(to: encoder)
        var c = encoder.container(keyedBy: Extra.self)
        try c.encode(agreement.status.displayName, forKey: .statusName)
        try c.encodeIfPresent(timeline, forKey: .timeline)
    }

    public static func load(_ agreement: Agreement, runtime: ServiceRuntime) async throws -> AgreementView {
        AgreementView(agreement: agreement, timeline: try await AgreementProjection.timeline(agreement.id, on: runtime.pool))
    }

    /// The agreement as one caller may see it, with the timeline it may see.
    public static func load(_ visible: AgreementProjection.Visible, runtime: ServiceRuntime) async throws -> AgreementView {
        AgreementView(agreement: visible.shown, timeline: try await AgreementProjection.timeline(
            visible.shown.id, employerUpTo: visible.employerHistory ? visible.shown.version : nil, on: runtime.pool))
    }
}
