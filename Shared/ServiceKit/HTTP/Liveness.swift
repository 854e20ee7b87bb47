import Hummingbird

/// The answer of `GET /health/live`: the process is up.
public struct Liveness: Codable, ResponseEncodable, Sendable {
    public var status = "ok"
    public var service: String
    public init(service: String) { self.service = service }
}
