import AgreementDomain
import Foundation
import HTTPTypes
import Hummingbird

/// A 4xx/5xx answer with a machine-readable `code` and a zh-CN `message`.
///
/// Body: `{"error": {"code": "…", "message": "…", "field": "…", "status": "…"}}`.
public struct APIError: Error, HTTPResponseError, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var field: String?
    /// The agreement status the refusal was made in, when a domain rule refused.
    public var agreementStatus: AgreementStatus?
    /// For 405: the methods the path accepts (the `Allow` header).
    public var allow: String?
    /// Seconds, for a 503: the `Retry-After` header.
    public var retryAfter: Int?

    public init(_ status: HTTPResponse.Status, code: String, message: String, field: String? = nil, agreementStatus: AgreementStatus? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.agreementStatus = agreementStatus
    }

    public static func unauthenticated(_ message: String) -> APIError { .init(.unauthorized, code: "unauthenticated", message: message) }
    public static func forbidden(_ message: String) -> APIError { .init(.forbidden, code: "forbidden", message: message) }
    public static func notFound(_ message: String) -> APIError { .init(.notFound, code: "not_found", message: message) }
    public static func badRequest(_ code: String, _ message: String, field: String? = nil) -> APIError {
        .init(.badRequest, code: code, message: message, field: field)
    }
    public static func validation(_ message: String, field: String?) -> APIError {
        .init(.unprocessableContent, code: "validation_failed", message: message, field: field)
    }
    /// A command whose event can never be published or applied (see `Outbox.park`).
    public static func commandFailed(_ reason: String) -> APIError {
        .init(.unprocessableContent, code: "command_failed", message: "操作未能完成：系统无法发布或应用该操作（\(reason.prefix(300))）")
    }
    public static func unavailable(_ message: String) -> APIError { .init(.serviceUnavailable, code: "unavailable", message: message) }

    /// The API error for what a route threw, if it is one of ours: an API error, the domain's refusal, a command
    /// that failed for good. nil for anything else (an internal error).
    public init?(mapping error: any Error) {
        switch error {
        case let error as APIError: self = error
        case let refusal as AgreementRefusal: self.init(refusal)
        case let failed as CommandFailed: self = .commandFailed(failed.reason)
        default: return nil
        }
    }

    /// Maps a domain refusal to HTTP: permission problems are 403, bad input 422, the rest 409 (wrong state).
    public init(_ refusal: AgreementRefusal) {
        let status: HTTPResponse.Status = switch refusal.code {
        case .notPermitted: .forbidden
        case .validationFailed: .unprocessableContent
        case .notFound: .notFound
        default: .conflict
        }
        self.init(status, code: refusal.code.rawValue, message: refusal.message, field: refusal.field,
                  agreementStatus: refusal.status)
    }

    struct Body: Codable {
        struct Detail: Codable {
            var code: String
            var message: String
            var field: String?
            var status: AgreementStatus?
        }
        var error: Detail
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = Body(error: .init(code: code, message: message, field: field, status: agreementStatus))
        var response = try JSON.encoder.encode(body, from: request, context: context)
        response.status = status
        if let allow { response.headers[.allow] = allow }
        if let retryAfter { response.headers[.retryAfter] = "\(retryAfter)" }
        return response
    }

    public var description: String { "APIError(\(status.code) \(code): \(message))" }
}

/// Runs a domain check and turns its refusal into the matching API error.
public func checked<T>(_ body: () throws(AgreementRefusal) -> T) throws(APIError) -> T {
    do { return try body() } catch { throw APIError(error) }
}
