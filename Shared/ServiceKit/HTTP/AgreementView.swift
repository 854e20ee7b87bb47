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

/// The answer to a command.
public struct CommandResponse: ResponseEncodable, Sendable {
    public var outcome: String
    public var commandId: String?
    public var agreement: AgreementView?

    public static func from(_ result: CommandResult, runtime: ServiceRuntime) async throws -> Response {
        let body: CommandResponse
        var status = HTTPResponse.Status.ok
        var location: String?
        switch result {
        case .unchanged(let agreement):
            body = CommandResponse(outcome: "unchanged", commandId: nil,
                                   agreement: try await agreement.asyncMap { try await AgreementView.load($0, runtime: runtime) })
        case .applied(let id, let agreement):
            body = CommandResponse(outcome: "applied", commandId: id.wire, agreement: try await AgreementView.load(agreement, runtime: runtime))
        case .pending(let id):
            body = CommandResponse(outcome: "pending", commandId: id.wire, agreement: nil)
            status = .accepted
            location = "/v1/commands/\(id.wire)"
        }
        var response = try JSON.encoder.encodeResponse(body)
        response.status = status
        if let location { response.headers[.location] = location }
        return response
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}

extension JSONEncoder {
    /// A JSON response with our headers, outside of a request context.
    public func encodeResponse(_ value: some Encodable) throws -> Response {
        let data = try encode(value)
        return Response(
            status: .ok,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
