import AgreementDomain
import Foundation
import Hummingbird

/// The answer to a command.
public struct CommandResponse: Codable, ResponseEncodable, Sendable {
    /// `applied`, `unchanged` (a repetition), or `pending` (recorded, not applied here within the wait).
    public enum Outcome: String, Codable, CaseIterable, Sendable { case applied, pending, unchanged }
    public var outcome: Outcome
    public var commandId: String?
    public var agreement: AgreementView?

    public static func from(_ result: CommandResult, views agreements: any AgreementReading) async throws -> Response {
        let body: CommandResponse
        var status = HTTPResponse.Status.ok
        var location: String?
        switch result {
        case .unchanged(let agreement):
            body = CommandResponse(outcome: .unchanged, commandId: nil,
                                   agreement: try await agreement.asyncMap { try await agreements.view(of: $0) })
        case .applied(let id, let agreement):
            body = CommandResponse(outcome: .applied, commandId: id.wire, agreement: try await agreements.view(of: agreement))
        case .pending(let id):
            body = CommandResponse(outcome: .pending, commandId: id.wire, agreement: nil)
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
    public func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
