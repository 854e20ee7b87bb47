import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Synchronization
import WangqianPostgres

/// The routes of a router as `(method, path components)`, filled in once every route is added.
public final class RouteTable: Sendable {
    private let entries = Mutex<[(method: HTTPRequest.Method, components: [Substring])]>([])

    public init() {}

    public func load(from router: Router<AppRequestContext>) {
        let routes = router.routes.map { (method: $0.method, components: "\($0.path)".split(separator: "/")) }
        entries.withLock { $0 = routes }
    }

    /// `:id`, `{id}` (how Hummingbird describes a capture) or a wildcard.
    static func isCapture(_ component: Substring) -> Bool {
        component.hasPrefix(":") || component.hasPrefix("{") || component.hasPrefix("*")
    }

    /// The methods routes on `path` accept. Like the router, a literal path component wins over a capture at
    /// the same position (`/v1/agreements/batch-sign` is not `/v1/agreements/{id}`).
    func methods(for path: String) -> [HTTPRequest.Method] {
        let parts = path.split(separator: "/")
        var candidates = entries.withLock { routes in
            routes.filter { route in
                route.components.count == parts.count
                    && zip(route.components, parts).allSatisfy { Self.isCapture($0) || $0 == $1 }
            }
        }
        for (i, part) in parts.enumerated() {
            let literal = candidates.filter { !Self.isCapture($0.components[i]) && $0.components[i] == part }
            if !literal.isEmpty { candidates = literal }
        }
        return candidates.map(\.method)
    }
}

/// Gives every 4xx and 5xx the JSON error body: unknown paths (404), known paths with another method (405),
/// oversized bodies (413), the database unavailable (503 with Retry-After), and anything unexpected (500, logged;
/// never an empty body or internal details).
public struct ErrorMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    /// To tell 405 from 404.
    private let routes: RouteTable
    private let logger: Logger

    public init(routes: RouteTable, logger: Logger) {
        self.routes = routes
        self.logger = logger
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            if let mapped = APIError(mapping: error) { throw mapped }  // ours, or the domain's refusal
            if let error = error as? any HTTPResponseError { throw translate(error.status, request: request) }
            if let error = error as? PostgresError, error.code == .invalidQuery {
                // A value PostgreSQL cannot take (a NUL byte) that no validation caught before.
                logger.warning("a request value could not be used in a query", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
                throw APIError(.unprocessableContent, code: "validation_failed", message: "请求中含有无法处理的字符")
            }
            if let error = error as? PostgresError, error.isRetriable {
                // The database is away or out of connections: worth retrying, not the caller's fault nor a bug.
                logger.warning("database unavailable for a request", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
                var unavailable = APIError.unavailable("系统暂时无法处理请求，请稍后重试")
                unavailable.retryAfter = 5
                throw unavailable
            }
            if error is CancellationError { throw error }
            logger.error("request failed", metadata: ["error": "\(error)", "method": "\(request.method)", "path": "\(request.uri.path)"])
            throw APIError(.internalServerError, code: "internal", message: "系统繁忙，请稍后重试")
        }
    }

    private func translate(_ status: HTTPResponse.Status, request: Request) -> APIError {
        switch status {
        case .notFound:
            let allowed = routes.methods(for: request.uri.path)
            if !allowed.isEmpty, !allowed.contains(request.method) {
                var error = APIError(.methodNotAllowed, code: "method_not_allowed", message: "该地址不支持 \(request.method.rawValue) 请求")
                error.allow = allowed.map(\.rawValue).sorted().joined(separator: ", ")
                return error
            }
            return APIError.notFound("没有这个地址")
        case .contentTooLarge: return APIError(.contentTooLarge, code: "body_too_large", message: "请求内容过大")
        case .badRequest: return APIError.badRequest("malformed_request", "请求格式不正确")
        case .unsupportedMediaType: return APIError(.unsupportedMediaType, code: "unsupported_media_type", message: "不支持的请求内容类型")
        default:
            return APIError(status, code: status.code >= 500 ? "internal" : "request_failed",
                            message: status.code >= 500 ? "系统繁忙，请稍后重试" : "请求无法处理")
        }
    }
}

/// Answers HEAD wherever GET is answered (RFC 9110): the GET answer's status and headers, without the body.
/// It wraps the router, since routes are chosen by method before any route middleware runs.
public struct HeadAsGetResponder<Inner: HTTPResponder>: HTTPResponder {
    public typealias Context = Inner.Context
    let inner: Inner

    public init(_ inner: Inner) { self.inner = inner }

    public func respond(to request: Request, context: Context) async throws -> Response {
        guard request.method == .head else { return try await inner.respond(to: request, context: context) }
        var head = request.head
        head.method = .get
        var response = try await inner.respond(to: Request(head: head, body: request.body), context: context)
        response.body = .init()
        return response
    }
}
